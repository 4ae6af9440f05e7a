import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { loadConfig, type AppConfig } from '../src/platform/config/app-config';
import { withDatabase } from './db-url';

/**
 * The bootstrap admin. Not `correct horse battery`: the password policy refuses the famous passphrase and its
 * beginnings.
 */
export const ADMIN = { email: 'admin@test.local', password: 'tidal orchid lantern 7' };

/**
 * A real API on 127.0.0.1 with its own database (cloned from the migrated template), the
 * bootstrap admin signed in and an API key with triggers.invoke.
 */
export class TestApp {
  app!: NestExpressApplication;
  config!: AppConfig;
  baseUrl!: string;
  databaseUrl!: string;
  db!: DataSource;
  token!: string;
  apiKey!: string;
  private dbName!: string;
  private dataDir!: string;

  static async start(env: Record<string, string> = {}): Promise<TestApp> {
    const t = new TestApp();
    const adminUrl = process.env.TEST_PG_ADMIN_URL;
    if (!adminUrl) throw new Error('TEST_PG_ADMIN_URL is not set: run API tests through jest (global setup)');
    t.dbName = `t_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${t.dbName} TEMPLATE callflow_template`);
    await admin.end();
    t.databaseUrl = withDatabase(adminUrl, t.dbName);
    t.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callflow-test-'));
    t.config = loadConfig({
      DATA_DIR: t.dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'silent',
      OUTBOUND_ALLOW: '127.0.0.1',
      API_DOCS: 'true',
      PORT: '0',
      ...env,
    });
    t.app = await createApp(t.config, t.databaseUrl);
    await t.app.listen(0, '127.0.0.1');
    t.baseUrl = await t.app.getUrl();
    t.baseUrl = t.baseUrl.replace('[::1]', '127.0.0.1');
    t.db = new DataSource({ type: 'postgres', url: t.databaseUrl });
    await t.db.initialize();
    const login = await t.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    t.token = login.body.accessToken;
    const key = await t
      .http()
      .post('/api/v1/api-keys')
      .set('authorization', `Bearer ${t.token}`)
      .send({ name: 'tests', scopes: ['triggers.invoke'] })
      .expect(201);
    t.apiKey = key.body.key;
    return t;
  }

  /** supertest bound to the running server. */
  http() {
    return request(this.baseUrl);
  }

  /** An authenticated request as the admin. */
  as(method: 'get' | 'post' | 'put' | 'patch' | 'delete', url: string) {
    return this.http()[method](url).set('authorization', `Bearer ${this.token}`);
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.db?.destroy();
    const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
    await admin.end();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
