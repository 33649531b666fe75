"""Code every service and worker shares; it never imports a web handler."""
