/**
 * What pgpair sent the scripted model server, read back in the Messages API's shape. The server keeps each
 * request body as untyped JSON; these helpers check the parts a test reads before it reads them.
 */
import type {ReceivedRequest} from '../../source/model/scripted-server.js';

/** A content block as sent: its `type` says which other fields it has. */
export type SentBlock = {type: string; [field: string]: unknown};
export type SentMessage = {role: string; content: string | SentBlock[]};

/** The messages of a request body; throws when the body has none. */
export function sentMessages(body: unknown): SentMessage[] {
	const messages = typeof body === 'object' && body !== null ? (body as {messages?: unknown}).messages : undefined;
	if (!Array.isArray(messages)) throw new Error(`The request carried no messages: ${JSON.stringify(body)?.slice(0, 200)}`);
	return messages as SentMessage[];
}

/** A message's content blocks; throws when it is missing or plain text. */
export function sentBlocks(message: SentMessage | undefined): SentBlock[] {
	if (!Array.isArray(message?.content)) throw new Error(`Not a message with content blocks: ${JSON.stringify(message)?.slice(0, 200)}`);
	return message.content;
}

/** The first block of a request's last message: where the result of the tool the model asked for comes back. */
export function lastSentBlock(request: ReceivedRequest | undefined): SentBlock {
	const block = sentBlocks(sentMessages(request?.body).at(-1))[0];
	if (!block) throw new Error('The last message of the request has no content blocks.');
	return block;
}
