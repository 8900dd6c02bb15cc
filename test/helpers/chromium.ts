/**
 * A real browser for what pgpair writes to be opened in one (the HTML export): Debian's chromium, driven by
 * playwright-core over CDP, with a profile of its own that is removed on close. Every request the page makes and
 * every console error and uncaught exception are recorded, for tests to assert on.
 */
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {type BrowserContext, chromium, type Page} from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Without these, chromium's own background traffic (component updates, sync, field trials, QUIC probes) fails
 * noisily on a machine without a network; none of it is the page's.
 */
const QUIET_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export type BrowserPage = {
	page: Page;
	/** Every URL a page of the context asked for, in order (the document itself included). */
	requests: string[];
	/** Console messages of type error, and uncaught exceptions, as text. */
	errors: string[];
	close(): Promise<void>;
};

export type ChromiumOptions = {
	executablePath?: string;
	viewport?: {width: number; height: number};
};

/** A fresh headless chromium with one page. Fails, never skips, when chromium is not installed. */
export async function openChromium(options: ChromiumOptions = {}): Promise<BrowserPage> {
	const executablePath = options.executablePath ?? CHROMIUM;
	if (!existsSync(executablePath)) {
		throw new Error(`Debian's chromium is not installed at ${executablePath}: apt-get install chromium (.ci/run installs it when it is missing)`);
	}

	const profile = mkdtempSync(path.join(tmpdir(), 'pgpair-chromium-'));
	let context: BrowserContext;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath,
			headless: true,
			args: QUIET_FLAGS,
			viewport: options.viewport ?? {width: 1280, height: 900},
			timeout: 30_000,
		});
	} catch (error) {
		rmSync(profile, {recursive: true, force: true});
		throw error;
	}

	const requests: string[] = [];
	const errors: string[] = [];
	context.on('request', request => requests.push(request.url()));
	const page = context.pages()[0] ?? (await context.newPage());
	page.on('console', message => {
		if (message.type() === 'error') errors.push(`console: ${message.text()}`);
	});
	page.on('pageerror', error => errors.push(`pageerror: ${error.message}`));
	return {
		page,
		requests,
		errors,
		async close() {
			try {
				await context.close();
			} finally {
				rmSync(profile, {recursive: true, force: true, maxRetries: 3});
			}
		},
	};
}

/** Where a URL goes: only these stay on the machine and inside the page. */
export function staysLocal(url: string): boolean {
	return ['file:', 'data:', 'blob:', 'about:'].includes(new URL(url).protocol);
}
