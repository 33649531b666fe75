from services.common.web import serve

from .app import create_app
from .settings import AuthSettings

if __name__ == "__main__":
    serve(create_app, AuthSettings)
