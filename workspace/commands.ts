import { z } from 'zod';
import { Role, requests } from '../lib/protocol';
import { backup, restore } from './backup';
import type { Database } from './db/database';
import { rollupDifferences } from './domain/rollups';
import { createMember, issueCode, joinUrl } from './domain/workspace';
import { seedDemo } from './seed';

/** What the CLI can ask, whether of a running server (through its socket) or of the database directly. */
export const Command = z.discriminatedUnion('command', [
  z.strictObject({
    command: z.literal('invite'),
    name: z.string(),
    role: Role,
    region: z.string().optional(),
    /** --public-url given to the command: the join link starts with it, also through a running server. */
    publicUrl: z.string().optional(),
  }),
  z.strictObject({ command: z.literal('code'), member: z.uuid(), publicUrl: z.string().optional() }),
  z.strictObject({ command: z.literal('seed-demo') }),
  z.strictObject({ command: z.literal('verify') }),
  z.strictObject({ command: z.literal('backup'), file: z.string() }),
  z.strictObject({ command: z.literal('restore'), file: z.string() }),
]);
export type Command = z.infer<typeof Command>;

/** Runs a command and returns the lines to print; the last line of invite and code is the code alone. */
export async function runCommand(db: Database, command: Command, publicUrl: string): Promise<string[]> {
  const given = command.command === 'invite' || command.command === 'code' ? command.publicUrl : undefined;
  const join = (code: string) => joinUrl(given ?? publicUrl, code);
  switch (command.command) {
    case 'invite': {
      const input = requests.InviteRequest.parse({
        name: command.name,
        role: command.role,
        ...(command.region ? { region: command.region } : {}),
      });
      const { member, code } = await db.transaction((tx) => createMember(tx, input));
      return [
        `Invited ${member.name} (${member.role}${member.region ? `, ${member.region}` : ''}), member ${member.id}.`,
        join(code),
        code,
      ];
    }
    case 'code': {
      const code = await db.transaction((tx) => issueCode(tx, command.member));
      return [join(code), code];
    }
    case 'seed-demo': {
      const summary = await seedDemo(db);
      return [summary];
    }
    case 'verify': {
      const [counts] = await db.query<{ feedback: number; leads: number }>(
        'SELECT (SELECT count(*) FROM feedback)::int AS feedback, (SELECT count(*) FROM lead_latest)::int AS leads',
      );
      const differences = await db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return rollupDifferences(tx);
      });
      return differences.length === 0
        ? [`Rollups agree with a rebuild from ${counts!.feedback} verdicts on ${counts!.leads} leads.`]
        : ['Rollups differ from a rebuild from the feedback:', ...differences.map((d) => `  ${d}`)];
    }
    case 'backup': {
      const { rows } = await backup(db, command.file);
      return [`Backed up ${rows} rows to ${command.file}.`];
    }
    case 'restore': {
      const { rows } = await restore(db, command.file);
      return [`Restored ${rows} rows from ${command.file}.`];
    }
  }
}
