-- The role the application connects as. It reads and writes rows, never changes the schema, and
-- can only add to operator_audit (append-only by privilege as well as by trigger). It is created
-- without a password: the schema-migration function sets its LOGIN password from its own secret
-- (SchemaMigrator), so no password is ever written in a migration. The migration history is not the
-- role's either: SchemaMigrator revokes it after every migration, whatever table holds it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gelombang_app') THEN
        CREATE ROLE gelombang_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO gelombang_app', current_database());
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO gelombang_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gelombang_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO gelombang_app;
REVOKE UPDATE, DELETE, TRUNCATE ON operator_audit FROM gelombang_app;

-- Tables and sequences that later migrations (run by the same migrating user) create.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gelombang_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO gelombang_app;
