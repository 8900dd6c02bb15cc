/**
 * Deno sources pgpair writes next to every function it checks or serves. They ship as strings because the build
 * bundles only .ts modules of the app; `FunctionsRuntime` writes them into its cache directory once per content.
 */

/** Marks the lines the bootstrap writes to stdout for the runtime: the ASCII record separator, then JSON. */
export const CONTROL_PREFIX = '\u001e';

/**
 * Our declarations behind `jsr:@supabase/functions-js/edge-runtime.d.ts`, which the import map points here so
 * that type checks work offline. They describe what the bootstrap provides at run time.
 */
export const EDGE_RUNTIME_DTS = `// pgpair's offline stand-in for jsr:@supabase/functions-js/edge-runtime.d.ts
declare var EdgeRuntime: {
	/** Keeps background work alive after the response; rejections are logged. */
	waitUntil<T>(promise: Promise<T>): Promise<T>;
};

declare namespace Supabase {
	namespace ai {
		/** Declared so that code written for Supabase type-checks; pgpair does not run models locally. */
		class Session {
			constructor(model: string);
			run(input: unknown, options?: Record<string, unknown>): Promise<unknown>;
		}
	}
}
`;

/**
 * Evaluated before the function's entrypoint. It makes \`Deno.serve\` listen on a free loopback port and report it,
 * turns console calls into one structured record each (multi-line messages and stacks stay one log entry), reports
 * uncaught errors with their stacks, and exits when pgpair's end of stdin closes, so a killed pgpair leaves no
 * orphaned functions behind.
 */
export const PATCH_TS = `const CONTROL = ${JSON.stringify(CONTROL_PREFIX)};
const encoder = new TextEncoder();
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for("pgpair.functions")] = {served: false}) as {served: boolean};

function control(record: Record<string, unknown>): void {
	const bytes = encoder.encode(CONTROL + JSON.stringify(record) + "\\n");
	let written = 0;
	while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

function format(args: unknown[]): string {
	return args.map((arg) => (typeof arg === "string" ? arg : Deno.inspect(arg, {depth: 6, colors: false}))).join(" ");
}

const levels = ["log", "info", "warn", "error", "debug"] as const;
for (const level of levels) {
	console[level] = (...args: unknown[]) => control({type: "log", level, event_type: "Log", message: format(args)});
}

function uncaught(error: unknown, context: string): void {
	const text = error instanceof Error ? (error.stack ?? String(error)) : Deno.inspect(error, {colors: false});
	control({type: "log", level: "error", event_type: "UncaughtException", message: context + ": " + text});
}

globalThis.addEventListener("error", (event) => {
	event.preventDefault();
	uncaught(event.error, "Uncaught error");
	Deno.exit(1);
});
globalThis.addEventListener("unhandledrejection", (event) => {
	event.preventDefault();
	uncaught(event.reason, "Unhandled promise rejection");
	Deno.exit(1);
});

(globalThis as Record<string, unknown>).EdgeRuntime = {
	waitUntil<T>(promise: Promise<T>): Promise<T> {
		promise.catch((error) => uncaught(error, "EdgeRuntime.waitUntil rejected"));
		return promise;
	},
};

type Handler = (request: Request, info: unknown) => Response | Promise<Response>;
const originalServe = Deno.serve.bind(Deno) as (options: Record<string, unknown>, handler: Handler) => unknown;
// deno-lint-ignore no-explicit-any
(Deno as any).serve = (...args: unknown[]) => {
	if (state.served) throw new Error("Deno.serve was called twice: an edge function serves one handler.");
	state.served = true;
	let options: Record<string, unknown> = {};
	let handler: unknown = args[0];
	if (typeof args[0] !== "function") {
		options = {...((args[0] ?? {}) as Record<string, unknown>)};
		handler = typeof args[1] === "function" ? args[1] : options.handler;
	}
	if (typeof handler !== "function") throw new TypeError("Deno.serve needs a handler function.");
	const {port: _port, hostname: _hostname, path: _path, cert: _cert, key: _key, handler: _handler, onListen: _onListen, ...rest} = options;
	return originalServe(
		{
			...rest,
			port: 0,
			hostname: "127.0.0.1",
			onListen: ({port}: {port: number}) => control({type: "listening", port}),
			onError:
				(rest.onError as ((error: unknown) => Response | Promise<Response>) | undefined) ??
				((error: unknown) => {
					uncaught(error, "Uncaught error in the request handler");
					return new Response("Internal Server Error", {status: 500, headers: {"content-type": "text/plain;charset=UTF-8"}});
				}),
		},
		handler as Handler,
	);
};

(async () => {
	try {
		for await (const _chunk of Deno.stdin.readable) {
			// pgpair never writes; the loop only waits for the end of the pipe.
		}
	} catch {
		// A closed or broken pipe means the same: pgpair is gone.
	}
	Deno.exit(0);
})();
`;

/** Evaluated after the entrypoint (and its top-level await): a function that never called Deno.serve cannot answer. */
export const READY_TS = `const state = (globalThis as Record<symbol, unknown>)[Symbol.for("pgpair.functions")] as {served: boolean} | undefined;
if (!state?.served) {
	const line = ${JSON.stringify(CONTROL_PREFIX)} + JSON.stringify({type: "no-serve"}) + "\\n";
	Deno.stdout.writeSync(new TextEncoder().encode(line));
}
`;
