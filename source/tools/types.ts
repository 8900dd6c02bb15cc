export type {ToolCall, ToolDefinition, ToolResult} from '../core/ports.js';

import type {ToolCallClass} from '../core/events.js';

export type ToolCallClassification = {class: ToolCallClass; hazards: string[]};
