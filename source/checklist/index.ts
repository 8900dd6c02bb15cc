export {createChecklistEngine, type ChecklistChange, type ChecklistEngine, type ChecklistEngineOptions, type ChecklistItem} from './engine.js';
export {createMcpEvidence, PREVIEW_TOOL, type CallTool, type Evidence, type McpEvidenceOptions} from './evidence.js';
export {CHECKLIST_TOOL_NAME, checklistToolDefinition, handleChecklistTool, type ChecklistToolInput} from './checklist-tool.js';
export {claimsCompletion, openItemsNotice} from './completion-notice.js';
export {EVALUATORS} from './evaluators/index.js';
export {NOT_APPLICABLE, isNotApplicable, type EvaluationResult, type Evaluator} from './evaluators/types.js';
