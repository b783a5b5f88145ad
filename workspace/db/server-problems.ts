/**
 * A PostgreSQL server the workspace cannot use, said in words that name the fix. A team meets these on
 * a managed database (RDS, Cloud SQL, Azure, Supabase, Neon): TLS required, a provider's own certificate
 * authority, a role that may not create tables in schema public (PostgreSQL 15 no longer lets every role
 * create there). The password in DATABASE_URL is never repeated.
 */
export class DatabaseServerProblem extends Error {
  override name = 'DatabaseServerProblem';
}

/** Where DATABASE_URL points ("host:port"), its user and its database, never its password. */
export function serverOf(url: string): { where: string; user: string; database: string } {
  try {
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username) || 'the default user';
    const database = decodeURIComponent(parsed.pathname.slice(1)) || user;
    const where = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
    return { where, user, database };
  } catch {
    return { where: 'the server in DATABASE_URL', user: 'its user', database: 'its database' };
  }
}

const TLS_UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** The error's code: node's (ECONNREFUSED, TLS), PostgreSQL's SQLSTATE, or an AggregateError's first. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const first = (error as { errors?: unknown[] } | null)?.errors?.[0];
  return first === undefined ? '' : codeOf(first);
}

/** Worth waiting for: a server still starting (a container started beside it) or not up yet. */
export function startingUp(error: unknown): boolean {
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', '57P03'].includes(codeOf(error));
}

/**
 * The words for an error met while connecting to (or migrating) the server at `url`, or null when it is
 * none of the known ones.
 */
export function explainServerProblem(error: unknown, url: string): DatabaseServerProblem | null {
  const { where, user, database } = serverOf(url);
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const say = (text: string) => new DatabaseServerProblem(text);
  if (code === 'ECONNREFUSED')
    return say(
      `No PostgreSQL server answers at ${where} (connection refused): start it, or correct the host and port in DATABASE_URL.`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return say(`The database host in DATABASE_URL (${where}) is not known here: check its name.`);
  if (code === 'ETIMEDOUT' || /connection timeout|timeout expired/i.test(message))
    return say(
      `The PostgreSQL server at ${where} did not answer in time: check the host and port in DATABASE_URL, and that a firewall lets this machine reach it.`,
    );
  if (TLS_UNTRUSTED.has(code))
    return say(
      `The PostgreSQL server at ${where} has a certificate this machine does not trust (${code}). Give its certificate authority in DATABASE_URL: ?sslmode=verify-full&sslrootcert=/path/to/ca.pem (RDS, Cloud SQL, Azure and Supabase publish theirs).`,
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return say(
      `The PostgreSQL server's certificate is not for the name in DATABASE_URL (${where}): use the host name the certificate names.`,
    );
  if (/does not support SSL/i.test(message))
    return say(
      `DATABASE_URL asks for TLS (sslmode), but the PostgreSQL server at ${where} does not offer it: turn TLS on at the server, or remove sslmode for a server on this machine or a private network.`,
    );
  if (code === '28000' && /no encryption|SSL off/i.test(message))
    return say(
      `The PostgreSQL server at ${where} takes only encrypted connections: add ?sslmode=verify-full to DATABASE_URL (with &sslrootcert=/path/to/ca.pem when the server's certificate comes from its provider's own authority).`,
    );
  if (code === '28P01' || code === '28000')
    return say(
      `The PostgreSQL server at ${where} refused user "${user}" for database "${database}" (${message}): check the user and password in DATABASE_URL, and the server's access rules.`,
    );
  if (code === '3D000')
    return say(
      `There is no database "${database}" on the PostgreSQL server at ${where}: create it (CREATE DATABASE ${database} OWNER ${user}), or correct its name in DATABASE_URL.`,
    );
  if (code === '53300')
    return say(
      `The PostgreSQL server at ${where} has no connection left (${message}): each workspace process uses up to 10; raise max_connections or stop what else holds them.`,
    );
  if (code === '42501')
    return say(
      `User "${user}" lacks a privilege the workspace needs in database "${database}" (${message}). Make it the database's owner (ALTER DATABASE ${database} OWNER TO ${user}), or grant what is missing; for schema public: GRANT CREATE ON SCHEMA public TO ${user} (since PostgreSQL 15 not every role may create there).`,
    );
  return null;
}
