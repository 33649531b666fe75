USER_BY_LOGIN_SQL = """
SELECT u.id, u.username, u.password_hash, u.role, u.postulante_id, u.candidatura_id, u.active,
       u.must_change_password
FROM auth.users u
WHERE lower(u.username) = lower($1) OR lower(u.email) = lower($1)
"""

# Only if the hash is still the one verified: a password changed meanwhile is not overwritten.
REHASH_SQL = "UPDATE auth.users SET password_hash = $3 WHERE id = $1 AND password_hash = $2"
PASSWORD_HASH_SQL = "SELECT password_hash FROM auth.users WHERE id = $1 AND active"
SET_OWN_PASSWORD_SQL = """
UPDATE auth.users
   SET password_hash = $2, must_change_password = false, password_changed_at = now(), updated_at = now()
 WHERE id = $1
"""

# -- account administration ------------------------------------------------------------------------------
USERS_SQL = """
SELECT u.id, u.username, u.nombre, u.email, u.role, u.active, u.must_change_password, p.siglas,
       u.candidatura_id
FROM auth.users u
LEFT JOIN registro.postulantes p ON p.id = u.postulante_id
-- $1 is a LIKE pattern built by services.common.boundary.like_contains (wildcards escaped).
WHERE ($1::text IS NULL OR lower(u.username) LIKE $1 ESCAPE '\\' OR lower(u.nombre) LIKE $1 ESCAPE '\\'
       OR lower(coalesce(u.email, '')) LIKE $1 ESCAPE '\\')
  AND ($2::text IS NULL OR u.role = $2)
  AND u.role = ANY($3::text[])
ORDER BY u.username
LIMIT 200
"""
USER_SQL = """
SELECT u.id, u.username, u.nombre, u.email, u.role, u.active, u.must_change_password, u.postulante_id,
       u.candidatura_id, u.created_at, u.updated_at, u.disabled_at, u.password_changed_at, p.siglas,
       concat_ws(' ', c.nombre, c.primer_apellido, c.segundo_apellido) AS candidatura_nombre
FROM auth.users u
LEFT JOIN registro.postulantes p ON p.id = u.postulante_id
LEFT JOIN registro.candidaturas c ON c.id = u.candidatura_id
WHERE u.id = $1
"""
POSTULANTES_SQL = "SELECT id, siglas, nombre FROM registro.postulantes ORDER BY id"
POSTULANTE_BY_SIGLAS_SQL = "SELECT id FROM registro.postulantes WHERE siglas = $1"
CANDIDATURA_FREE_SQL = """
SELECT c.id, (SELECT u.id FROM auth.users u WHERE u.candidatura_id = c.id) AS user_id
FROM registro.candidaturas c WHERE c.id = $1 AND c.estatus = 'registrada'
"""
CREATE_USER_SQL = """
INSERT INTO auth.users (username, nombre, email, password_hash, role, postulante_id, candidatura_id,
                        must_change_password)
VALUES ($1, $2, $3, $4, $5, $6, $7, true)
ON CONFLICT DO NOTHING
RETURNING id
"""
UPDATE_USER_SQL = """
UPDATE auth.users SET nombre = $2, email = $3, role = $4, postulante_id = $5, candidatura_id = $6, updated_at = now()
WHERE id = $1
"""
SET_ACTIVE_SQL = """
UPDATE auth.users SET active = $2, disabled_at = CASE WHEN $2 THEN NULL ELSE now() END, updated_at = now()
WHERE id = $1 AND active <> $2
RETURNING id
"""
RESET_PASSWORD_SQL = """
UPDATE auth.users SET password_hash = $2, must_change_password = true, updated_at = now() WHERE id = $1
"""
EMAIL_TAKEN_SQL = "SELECT id FROM auth.users WHERE lower(email) = lower($1) AND id <> $2"

# -- password recovery (services/auth/recuperar.py) ---------------------------------------------------------
# Username first, then e-mail: someone's e-mail may happen to be someone else's username only in theory.
RECOVERY_USER_SQL = """
SELECT id, username, nombre, email, active
FROM auth.users
WHERE lower(username) = lower($1) OR lower(email) = lower($1)
ORDER BY lower(username) = lower($1) DESC
LIMIT 1
"""
# How many recovery links an account got lately: a cap keeps anyone from flooding a mailbox.
RECENT_RESET_TOKENS_SQL = """
SELECT count(*) FROM auth.reset_tokens WHERE user_id = $1 AND created_at > now() - make_interval(secs => $2)
"""
CREATE_RESET_TOKEN_SQL = """
INSERT INTO auth.reset_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
"""
RESET_TOKEN_SQL = """
SELECT t.user_id, u.username, (t.used_at IS NULL AND t.expires_at > now() AND u.active) AS usable
FROM auth.reset_tokens t
JOIN auth.users u ON u.id = t.user_id
WHERE t.token_hash = $1
"""
# Single use, decided by the database: of two concurrent submissions of one link, only one gets a row back.
USE_RESET_TOKEN_SQL = """
UPDATE auth.reset_tokens t
   SET used_at = now()
  FROM auth.users u
 WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > now() AND u.id = t.user_id AND u.active
RETURNING t.user_id, u.username
"""
# Once the password is reset, the other links sent to the account are worthless.
CLOSE_RESET_TOKENS_SQL = "UPDATE auth.reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL"
