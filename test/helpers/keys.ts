import {waitFor} from './wait-for.js';

/**
 * Presses `key` until `done()` holds. Ink attaches a pane's key handler in an effect that runs just after
 * the pane's frame is drawn, so on a busy machine a key sent as soon as the frame shows can arrive first.
 */
export async function pressUntil(stdin: {write(data: string): unknown}, key: string, done: () => boolean, what: string): Promise<void> {
	for (let attempt = 0; attempt < 4; attempt++) {
		stdin.write(key);
		if (
			await waitFor(done, what, 1500).then(
				() => true,
				() => false,
			)
		)
			return;
	}

	throw new Error(`pressing ${JSON.stringify(key)} never led to ${what}`);
}
