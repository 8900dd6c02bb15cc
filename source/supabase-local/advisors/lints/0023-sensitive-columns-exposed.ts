import {exposedSchema, extensionMember, readableByApi} from '../sql.js';
import type {LintDefinition} from '../types.js';

/** Column names (lower case, `-` read as `_`) that usually hold credentials or personal data. */
export const SENSITIVE_COLUMN_NAMES: readonly string[] = [
	// credentials and keys
	'password',
	'passwd',
	'pwd',
	'passphrase',
	'password_hash',
	'hashed_password',
	'secret',
	'client_secret',
	'secret_key',
	'private_key',
	'api_key',
	'apikey',
	'auth_key',
	'access_key',
	'token',
	'jwt',
	'access_token',
	'refresh_token',
	'oauth_token',
	'session_token',
	'bearer_token',
	'auth_code',
	'session_id',
	'session_key',
	'session_secret',
	'recovery_code',
	'backup_code',
	'verification_code',
	'reset_token',
	'otp',
	'otp_secret',
	'totp_secret',
	'two_factor',
	'two_factor_secret',
	'mfa_secret',
	'pgp_key',
	'gpg_key',
	'ssh_key',
	'certificate',
	'license_key',
	'activation_key',
	// government identifiers
	'ssn',
	'social_security',
	'social_security_number',
	'national_id',
	'tax_id',
	'passport_number',
	'passport_id',
	'driver_license',
	'drivers_license',
	'license_number',
	// financial
	'credit_card',
	'credit_card_number',
	'card_number',
	'cvv',
	'cvc',
	'cvn',
	'bank_account',
	'account_number',
	'routing_number',
	'iban',
	'swift_code',
	'bic',
	// health and biometrics
	'health_record',
	'medical_record',
	'patient_id',
	'insurance_number',
	'health_insurance',
	'diagnosis',
	'facial_recognition',
	'fingerprint',
	// device identifiers
	'mac_address',
	'imei',
	'device_uuid',
];

export const sensitiveColumnsExposed: LintDefinition = {
	code: '0023',
	name: 'sensitive_columns_exposed',
	title: 'Sensitive Columns Exposed',
	level: 'ERROR',
	type: 'security',
	description:
		'Finds tables exposed over the API without row level security that have columns named like credentials or personal data (password, token, ssn, card number, …).',
	sql: context => `
		select
			format('Table \`%s.%s\` is exposed over the API without RLS and has potentially sensitive columns: %s.', schema_name, table_name, string_agg(column_name, ', ' order by column_name)) as detail,
			jsonb_build_object('schema', schema_name, 'name', table_name, 'type', 'table',
				'sensitive_columns', to_jsonb(array_agg(column_name order by column_name)),
				'matched_patterns', to_jsonb(array_agg(distinct pattern))) as metadata,
			format('sensitive_columns_exposed_%s_%s', schema_name, table_name) as cache_key
		from (
			select n.nspname as schema_name, c.relname as table_name, a.attname::text as column_name, replace(lower(a.attname), '-', '_') as pattern
			from pg_catalog.pg_class c
			join pg_catalog.pg_namespace n on n.oid = c.relnamespace
			join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
			where c.relkind = 'r'
				and not c.relrowsecurity
				and ${exposedSchema('n.nspname', context)}
				and ${readableByApi('c.oid', context.apiRoles)}
				and not ${extensionMember('c.oid')}
				and replace(lower(a.attname), '-', '_') = any(array[${SENSITIVE_COLUMN_NAMES.map(name => `'${name}'`).join(', ')}])
		) sensitive
		group by schema_name, table_name
		order by 3`,
};
