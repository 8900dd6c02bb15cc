/**
 * Starts a chat session: headless (`-p`) or the TUI. In the TUI the first frame is drawn before any
 * tool server (and so the embedded database) starts.
 */
import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink';
import React from 'react';
import {loadAgent} from '../agents/discover-agent.js';
import {createAnthropicModel} from '../model/anthropic-model.js';
import {startScriptedServer} from '../model/scripted-server.js';
import {App} from '../ui/app.js';
import type {ChatArgs} from './args.js';
import {createApprovalPolicy} from './approval-policy.js';
import {DEMO_PROMPT, DEMO_SCRIPT} from './demo-script.js';
import {runHeadless} from './headless.js';
import {serverStatusStore} from './server-status.js';
import {setupSession, toolWarnings} from './session-setup.js';

export type ChatContext = {cwd: string; env: NodeJS.ProcessEnv; cliEntry: string};

export async function startChat(args: ChatArgs, context: ChatContext): Promise<number> {
	let agent;
	try {
		agent = await loadAgent({cwd: context.cwd, ...(args.agent ? {agent: args.agent} : {})});
	} catch (error) {
		process.stderr.write(`pgpair: ${(error as Error).message}\n`);
		return 2;
	}

	const headless = args.print;
	const setup = await setupSession({args, agent, cwd: context.cwd, env: context.env, cliEntry: context.cliEntry, policy: createApprovalPolicy({allow: args.allow, headless})});

	if (headless) {
		try {
			return await runHeadless(setup, args.prompt!, args.outputFormat, {stdout: text => process.stdout.write(text), stderr: text => process.stderr.write(text)});
		} finally {
			await setup.close();
		}
	}

	const servers = serverStatusStore(setup.mcp);
	let closing: Promise<void> | undefined;
	const close = () => (closing ??= setup.close());

	const startDemo = async () => {
		const server = await startScriptedServer(DEMO_SCRIPT);
		const runner = setup.makeRunner(createAnthropicModel({apiKey: 'demo', baseURL: server.url, onDebug: line => setup.log.write(line)}));
		const previousClose = setup.close;
		setup.close = async () => {
			await previousClose();
			await server.close();
		};

		void runner.submitPrompt(DEMO_PROMPT);
		return runner;
	};

	const instance = render(
		<App
			store={setup.store}
			runner={setup.runner}
			meta={{agent: agent.name, model: setup.modelId, sessionId: setup.sessionId}}
			servers={servers}
			{...(setup.setupMessage ? {setupMessage: setup.setupMessage} : {})}
			startDemo={startDemo}
			{...(args.prompt ? {initialPrompt: args.prompt} : {})}
			onExit={() => void close()}
		/>,
		{exitOnCtrlC: false},
	);

	// After the first frame: start the tool servers, then say what is missing, if anything.
	setImmediate(() => {
		servers.refresh();
		void setup.toolHost.ready().then(() => {
			servers.refresh();
			for (const status of setup.mcp.statuses()) {
				if (status.state === 'failed') setup.store.append({type: 'notice_shown', level: 'error', text: status.error ?? `${status.name} failed to start`});
			}

			for (const warning of toolWarnings(agent, setup.toolHost)) setup.store.append({type: 'notice_shown', level: 'warning', text: warning});
		});
	});

	await instance.waitUntilExit();
	await close();
	if (fs.existsSync(setup.transcriptPath)) process.stdout.write(`Session saved: ${path.relative(context.cwd, setup.transcriptPath)}\n`);
	return 0;
}
