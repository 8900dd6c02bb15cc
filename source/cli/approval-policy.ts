/**
 * Which calls run without asking. Until rules and classification land, a call runs unasked only when
 * an --allow rule names it (exactly, or by its server's wildcard); everything else asks, and in
 * headless mode, where nobody can answer, an ask is a denial.
 */
import type {ApprovalPolicy} from '../store/runner.js';

export function matchesAllowRule(rule: string, name: string): boolean {
	if (rule === name) return true;
	const server = /^(mcp__[A-Za-z0-9-]+(?:_[A-Za-z0-9-]+)*)(?:__\*)?$/.exec(rule)?.[1];
	return server !== undefined && name.startsWith(`${server}__`);
}

export function createApprovalPolicy(options: {allow: readonly string[]; headless: boolean}): ApprovalPolicy {
	return call => {
		const rule = options.allow.find(r => matchesAllowRule(r, call.name));
		if (rule) return {decision: 'allow', by: 'rule', reason: `allowed by --allow ${rule}`};
		if (options.headless) return {decision: 'deny', by: 'headless', reason: `no --allow rule covers ${call.name} and nobody can approve it in headless mode`};
		return 'ask';
	};
}
