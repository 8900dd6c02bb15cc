/** Conditions that filter nothing, recognised in the parse tree: `WHERE true`, `1 = 1`, `a = a`, `x OR true`. */
import {asArray, isObject, onlyEntry, stringList} from '../sql-parser.js';

export function constantString(node: unknown): string | undefined {
	const [type, body] = onlyEntry(node);
	if (type === 'A_Const' && isObject(body.sval) && typeof body.sval.sval === 'string') return body.sval.sval.toLowerCase();
	if (type === 'TypeCast') return constantString(body.arg);
	return undefined;
}

/** `WHERE true`, `WHERE 1 = 1`, `WHERE a = a`, `WHERE x OR true`, `WHERE NOT false`: conditions that filter nothing. */
export function isTriviallyTrue(node: unknown): boolean {
	const [type, body] = onlyEntry(node);
	if (type === 'A_Const') return isObject(body.boolval) && body.boolval.boolval === true;
	if (type === 'TypeCast') {
		const value = constantString(body.arg);
		const typeName = isObject(body.typeName) ? stringList(body.typeName.names).at(-1) : undefined;
		return (typeName === 'bool' || typeName === 'boolean') && value !== undefined && ['t', 'true', 'y', 'yes', 'on', '1'].includes(value);
	}

	if (type === 'BoolExpr') {
		const args = asArray(body.args);
		if (body.boolop === 'OR_EXPR') return args.some(isTriviallyTrue);
		if (body.boolop === 'AND_EXPR') return args.every(isTriviallyTrue);
		if (body.boolop === 'NOT_EXPR') return isTriviallyFalse(args[0]);
		return false;
	}

	if (type === 'A_Expr' && body.kind === 'AEXPR_OP' && stringList(body.name).at(-1) === '=') {
		const left = withoutLocations(body.lexpr);
		const sameSide = JSON.stringify(left) === JSON.stringify(withoutLocations(body.rexpr));
		const [leftType] = onlyEntry(body.lexpr);
		return sameSide && (leftType === 'A_Const' || leftType === 'ColumnRef');
	}

	return false;
}

function isTriviallyFalse(node: unknown): boolean {
	const [type, body] = onlyEntry(node);
	if (type === 'A_Const') return isObject(body.boolval) && body.boolval.boolval !== true;
	if (type === 'BoolExpr' && body.boolop === 'NOT_EXPR') return isTriviallyTrue(asArray(body.args)[0]);
	return false;
}

function withoutLocations(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutLocations);
	if (!isObject(value)) return value;
	return Object.fromEntries(
		Object.entries(value)
			.filter(([key]) => key !== 'location')
			.map(([key, child]) => [key, withoutLocations(child)]),
	);
}
