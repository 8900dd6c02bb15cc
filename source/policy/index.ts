/**
 * The policy core's public surface: classify a call, decide allow / ask / deny, find forbidden
 * actions. Everything here is pure; `loadSqlParser()` must have resolved before the *Sync functions,
 * `classifyCallSync` and `findForbidden` are called.
 */
export {loadSqlParser, isSqlParserLoaded} from './sql-parser.js';
export {loadShellParser, isShellParserLoaded} from './shell-parser.js';
export {classifyShellSync} from './classify-shell.js';
export type {SqlParseError} from './sql-parser.js';
export type {Hazard, HazardCode, ToolCallClass} from './hazards.js';
export {maxClass} from './hazards.js';
export {classifySql, classifySqlSync} from './classify-sql.js';
export type {SqlClassification, StatementSummary} from './classify-sql.js';
export {classifyCall, classifyCallSync, parseToolName, sqlOf, SQL_TOOLS} from './classify-call.js';
export type {CallClassification, PolicyCall, ToolAnnotations, ToolName} from './classify-call.js';
export {EMPTY_RULES, findRule, parseRule, parseRules, ruleMatches, RuleSyntaxError} from './rules.js';
export type {MatchContext, PermissionRule, PermissionRules, PermissionSettings, RuleList, RuleProblem} from './rules.js';
export {decide, nextMode, PERMISSION_MODES} from './decide.js';
export type {DecideInput, Decision, PermissionMode} from './decide.js';
export {findForbidden, findSecrets, selectStarsInSql} from './forbidden.js';
export type {AdvisorLint, ForbiddenContext, SecretFinding, Violation, ViolationCode} from './forbidden.js';
