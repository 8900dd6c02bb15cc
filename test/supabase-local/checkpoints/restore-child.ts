/** A process that restores a snapshot and can be killed while it does (pglite-snapshot.test.ts). */
import {restoreSnapshot} from '../../../source/supabase-local/checkpoints/pglite-snapshot.js';

const [from, dir] = process.argv.slice(2);
process.stdout.write('start\n');
await (await restoreSnapshot(from!, dir!)).cleanup;
