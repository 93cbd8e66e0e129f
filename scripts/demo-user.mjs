// The sandbox's demo account (seed 000): demo@dhanam.app / demo123 with a
// personal and a business space. Fixed ids make the seed idempotent.
import { pbkdf2Sync, randomBytes } from "node:crypto";

export const DEMO = {
  userId: "usr_demo0000000000000000000000",
  email: "demo@dhanam.app",
  password: "demo123",
  name: "Demo User",
  spaces: [
    { id: "spc_demopersonal00000000000000", name: "Personal Finances", type: "personal", currency: "USD" },
    { id: "spc_demobusiness00000000000000", name: "Business Accounts", type: "business", currency: "MXN" },
  ],
};

/** Same format as src/lib/password.ts: pbkdf2-sha256$iterations$salt$hash. */
function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, "sha256");
  return `pbkdf2-sha256$100000$${salt.toString("base64")}$${hash.toString("base64")}`;
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

/** SQL that inserts the demo user and spaces unless they already exist. */
export function demoUserSql(now = Date.now()) {
  const lines = [
    `INSERT OR IGNORE INTO users (id, email, name, locale, password_hash, two_factor_enabled, totp_last_step, created_at, updated_at) VALUES (${q(DEMO.userId)}, ${q(DEMO.email)}, ${q(DEMO.name)}, 'en', ${q(hashPassword(DEMO.password))}, 0, 0, ${now}, ${now});`,
  ];
  for (const s of DEMO.spaces) {
    lines.push(
      `INSERT OR IGNORE INTO spaces (id, name, type, currency, owner_id, created_at, updated_at) VALUES (${q(s.id)}, ${q(s.name)}, ${q(s.type)}, ${q(s.currency)}, ${q(DEMO.userId)}, ${now}, ${now});`,
      `INSERT OR IGNORE INTO space_members (space_id, user_id, role, created_at) VALUES (${q(s.id)}, ${q(DEMO.userId)}, 'owner', ${now});`,
      `INSERT OR IGNORE INTO space_shards (space_id, shard, created_at) VALUES (${q(s.id)}, 'DB', ${now});`,
    );
  }
  return lines.join("\n") + "\n";
}
