import type {Runner} from '../store/runner.js';

/**
 * A runner usable before the real one has loaded: a prompt waits for it rather than being dropped.
 * Approvals and cancellation only exist once a turn runs, which needs the real runner anyway.
 */
export function deferredRunner(loading: Promise<Runner>): Runner {
	let loaded: Runner | undefined;
	let waiting = 0;
	void loading.then(
		runner => {
			loaded = runner;
		},
		() => undefined,
	);
	return {
		async submitPrompt(text) {
			waiting++;
			try {
				await (loaded ?? (await loading)).submitPrompt(text);
			} finally {
				waiting--;
			}
		},
		resolveApproval: (callId, decision) => loaded?.resolveApproval(callId, decision),
		cancelTurn: () => loaded?.cancelTurn(),
		previewEdit: async (callId, input) => loaded?.previewEdit(callId, input),
		isBusy: () => waiting > 0 || (loaded?.isBusy() ?? false),
	};
}
