export {CHECKLIST_TOOL_NAME, type ChecklistToolInput, checklistToolDefinition, handleChecklistTool} from './checklist-tool.js';
export {claimsCompletion, openItemsNotice} from './completion-notice.js';
export {type ChecklistChange, type ChecklistEngine, type ChecklistEngineOptions, type ChecklistItem, createChecklistEngine} from './engine.js';
export {EVALUATORS} from './evaluators/index.js';
export {type EvaluationResult, type Evaluator, isNotApplicable, NOT_APPLICABLE} from './evaluators/types.js';
export {type CallTool, createMcpEvidence, type Evidence, type McpEvidenceOptions, PREVIEW_TOOL} from './evidence.js';
