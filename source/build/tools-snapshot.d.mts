export declare const TOOLS_SNAPSHOT_FILE: string;

export type ListedTool = {
	name: string;
	description?: string;
	inputSchema: Record<string, unknown>;
	annotations?: Record<string, unknown>;
	[key: string]: unknown;
};

export declare function askServerTools(cli: string): Promise<ListedTool[]>;

export declare function writeToolsSnapshot(outdir: string): Promise<ListedTool[]>;
