/**
 * The policy core's public surface: classify a call, decide allow / ask / deny, find forbidden
 * actions. Everything here is pure; `loadSqlParser()` must have resolved before the *Sync functions,
 * `classifyCallSync` and `findForbidden` are called.
 */

export type {CallClassification, PolicyCall, ToolAnnotations, ToolName} from './classify-call.js';
export {classifyCall, classifyCallSync, parseToolName, SQL_TOOLS, sqlOf} from './classify-call.js';
export {classifyShellSync} from './classify-shell.js';
export type {SqlClassification, StatementSummary} from './classify-sql.js';
export {classifySql, classifySqlSync} from './classify-sql.js';
export type {DecideInput, Decision, PermissionMode} from './decide.js';
export {decide, nextMode, PERMISSION_MODES} from './decide.js';
export type {AdvisorLint, ForbiddenContext, SecretFinding, Violation, ViolationCode} from './forbidden.js';
export {findForbidden, findSecrets, selectStarsInSql} from './forbidden.js';
export type {Hazard, HazardCode, ToolCallClass} from './hazards.js';
export {maxClass} from './hazards.js';
export type {MatchContext, PermissionRule, PermissionRules, PermissionSettings, RuleList, RuleProblem} from './rules.js';
export {EMPTY_RULES, findRule, parseRule, parseRules, RuleSyntaxError, ruleMatches} from './rules.js';
export {isShellParserLoaded, loadShellParser} from './shell-parser.js';
export type {SqlParseError} from './sql-parser.js';
export {isSqlParserLoaded, loadSqlParser} from './sql-parser.js';
