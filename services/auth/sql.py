USER_BY_LOGIN_SQL = """
SELECT u.id, u.username, u.password_hash, u.role, u.postulante_id, u.candidatura_id, u.active
FROM auth.users u
WHERE lower(u.username) = lower($1) OR lower(u.email) = lower($1)
"""

# The candidacies a candidate may act on: their own and, in a fórmula, only their own row.
CANDIDATURAS_OF_USER_SQL = "SELECT candidatura_id FROM auth.users WHERE id = $1 AND candidatura_id IS NOT NULL"
