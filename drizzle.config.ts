import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --name <what>` writes a new SQL migration into migrations/.
// The same folder is applied by drizzle's migrator on libSQL and by `wrangler d1 migrations apply`.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
