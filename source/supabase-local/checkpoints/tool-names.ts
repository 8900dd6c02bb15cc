/** pgpair's own checkpoint tools on its server (checkpoint-tools.ts), by the names the app calls them (session/checkpoints.ts). */
export const CHECKPOINT_SAVE_TOOL = 'pgpair_checkpoint_save';
export const CHECKPOINT_PLAN_TOOL = 'pgpair_checkpoint_plan';
export const CHECKPOINT_RESTORE_TOOL = 'pgpair_checkpoint_restore';
