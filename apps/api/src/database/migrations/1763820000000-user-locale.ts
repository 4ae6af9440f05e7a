import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each user's editor language (issue 19 §4): null until they pick one (the browser's language then
 * applies), else one of the languages the editor is written in.
 */
export class UserLocale1763820000000 implements MigrationInterface {
  name = 'UserLocale1763820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE users ADD COLUMN locale text NULL
         CONSTRAINT users_locale_check CHECK (locale IN ('en', 'it', 'ru'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS locale`);
  }
}
