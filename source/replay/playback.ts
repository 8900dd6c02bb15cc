/**
 * Play at recorded pace: how far the cursor moves for a stretch of wall-clock time. Pure, so the
 * timing is tested with numbers instead of timers.
 */
import type {SessionEvent} from '../core/events.js';

/** Recorded pauses longer than this are shortened to it: an hour away from the keyboard replays as 2 s. */
export const MAX_IDLE_GAP_MS = 2000;

/** `instant` ignores recorded time: one event per frame. */
export type Speed = number | 'instant';

export const SPEEDS: readonly Speed[] = [0.5, 1, 2, 5, 10, 20, 50, 'instant'];
export const DEFAULT_SPEED_INDEX = 1;

export function speedLabel(speed: Speed): string {
	return speed === 'instant' ? 'instant' : `×${speed}`;
}

/** Recorded wait before events[index] is applied (the pause after the previous event), capped. */
export function gapBefore(events: readonly SessionEvent[], index: number): number {
	if (index <= 0 || index >= events.length) return 0;
	const gap = events[index]!.at - events[index - 1]!.at;
	return Math.max(0, Math.min(MAX_IDLE_GAP_MS, gap));
}

export type PlaybackStep = {
	position: number;
	/** Recorded time already spent waiting for the next event; carried into the next tick. */
	carryMs: number;
};

/**
 * Advances from `position` by `elapsedMs` of wall-clock time at `speed`. Every event whose (capped)
 * recorded gap fits in the budget is applied; what is left waits for the next tick.
 */
export function advancePlayback(events: readonly SessionEvent[], from: PlaybackStep, elapsedMs: number, speed: Speed): PlaybackStep {
	if (from.position >= events.length) return {position: events.length, carryMs: 0};
	if (speed === 'instant') return {position: from.position + 1, carryMs: 0};
	let budget = from.carryMs + Math.max(0, elapsedMs) * speed;
	let position = from.position;
	while (position < events.length) {
		const gap = gapBefore(events, position);
		if (gap > budget) break;
		budget -= gap;
		position++;
	}

	return {position, carryMs: position >= events.length ? 0 : budget};
}

/** Wall-clock ms until the next event is due, for scheduling the next tick. */
export function msUntilNext(events: readonly SessionEvent[], from: PlaybackStep, speed: Speed): number {
	if (from.position >= events.length) return Number.POSITIVE_INFINITY;
	if (speed === 'instant') return 0;
	return Math.max(0, (gapBefore(events, from.position) - from.carryMs) / speed);
}
