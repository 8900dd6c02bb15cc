/**
 * What the classifier knows about functions and operators. A SELECT is read-only only when every
 * function it calls is on the allowlist; anything unknown (user-defined, extension, or simply not
 * listed) could change data, so it counts as a write. Known side-effecting built-ins carry their
 * own class and hazard so the approval pane can say what they do.
 */
import type {ToolCallClass} from '../core/events.js';
import type {HazardCode} from './hazards.js';

/** Built-in functions (schema `pg_catalog`, or unqualified) with no effect beyond returning a value. */
const SAFE_BUILTINS = new Set(
	`
count sum avg min max array_agg string_agg json_agg jsonb_agg json_object_agg jsonb_object_agg json_agg_strict jsonb_agg_strict
json_object_agg_strict jsonb_object_agg_strict json_object_agg_unique jsonb_object_agg_unique
bool_and bool_or every bit_and bit_or bit_xor stddev stddev_pop stddev_samp variance var_pop var_samp corr covar_pop covar_samp
regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy percentile_cont percentile_disc mode
rank dense_rank percent_rank cume_dist row_number ntile lag lead first_value last_value nth_value xmlagg range_agg
range_intersect_agg any_value grouping
abs ceil ceiling floor round trunc sign sqrt cbrt exp ln log log10 power pow mod div degrees radians pi random random_normal
width_bucket gcd lcm factorial sin cos tan cot asin acos atan atan2 sind cosd tand cotd asind acosd atand atan2d sinh cosh tanh
asinh acosh atanh scale min_scale trim_scale erf erfc gamma lgamma
int2 int4 int8 float4 float8 numeric text varchar bpchar bool date time timetz timestamp timestamptz interval uuid json jsonb
bytea name oid regclass regtype regproc regprocedure regnamespace regrole inet cidr macaddr money bit varbit char
length char_length character_length octet_length bit_length bit_count lower upper initcap trim btrim ltrim rtrim lpad rpad
substr substring position strpos left right repeat replace reverse split_part concat concat_ws format md5 sha224 sha256
sha384 sha512 crc32 crc32c encode decode quote_ident quote_literal quote_nullable regexp_replace regexp_match regexp_matches
regexp_split_to_array regexp_split_to_table regexp_count regexp_instr regexp_like regexp_substr translate ascii chr to_hex
to_bin to_oct to_char to_number to_date to_timestamp starts_with string_to_array string_to_table array_to_string unistr
normalize is_normalized casefold overlay convert convert_from convert_to parse_ident similar_to_escape like_escape
text_larger text_smaller get_bit set_bit get_byte set_byte
now current_date current_time current_timestamp localtime localtimestamp date_trunc date_part extract age make_date make_time
make_timestamp make_timestamptz make_interval justify_days justify_hours justify_interval date_bin isfinite clock_timestamp
statement_timestamp transaction_timestamp timeofday timezone date_add date_subtract overlaps
to_json to_jsonb json_build_object jsonb_build_object json_build_array jsonb_build_array json_object jsonb_object jsonb_set
jsonb_set_lax jsonb_insert jsonb_pretty jsonb_strip_nulls json_strip_nulls jsonb_typeof json_typeof jsonb_array_length
json_array_length jsonb_each jsonb_each_text json_each json_each_text jsonb_object_keys json_object_keys jsonb_array_elements
jsonb_array_elements_text json_array_elements json_array_elements_text jsonb_extract_path jsonb_extract_path_text
json_extract_path json_extract_path_text jsonb_to_record jsonb_to_recordset json_to_record json_to_recordset
jsonb_populate_record jsonb_populate_recordset json_populate_record json_populate_recordset jsonb_populate_record_valid
jsonb_path_query jsonb_path_query_array jsonb_path_query_first jsonb_path_exists jsonb_path_match jsonb_path_query_tz
jsonb_path_query_array_tz jsonb_path_query_first_tz jsonb_path_exists_tz jsonb_path_match_tz row_to_json array_to_json
jsonb_concat jsonb_contains jsonb_exists
array_length array_lower array_upper array_dims array_ndims array_append array_prepend array_cat array_remove array_replace
array_position array_positions cardinality unnest generate_series generate_subscripts array_fill trim_array array_sample
array_shuffle array_reverse array_sort
to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_rank ts_rank_cd ts_headline setweight
strip numnode querytree ts_lexize ts_parse ts_token_type ts_debug ts_stat tsvector_to_array array_to_tsvector
coalesce nullif greatest least pg_typeof current_setting current_database current_schema current_schemas current_user
session_user current_role user system_user version pg_backend_pid inet_client_addr inet_client_port inet_server_addr
inet_server_port pg_postmaster_start_time pg_conf_load_time pg_is_in_recovery txid_current_snapshot txid_current_if_assigned
txid_snapshot_xmin txid_snapshot_xmax txid_snapshot_xip txid_visible_in_snapshot txid_status pg_current_snapshot
pg_current_xact_id_if_assigned pg_snapshot_xmin pg_snapshot_xmax pg_snapshot_xip pg_visible_in_snapshot pg_xact_status
gen_random_uuid uuidv4 uuidv7 uuid_extract_timestamp uuid_extract_version num_nulls num_nonnulls format_type obj_description
col_description shobj_description pg_get_constraintdef pg_get_expr pg_get_functiondef pg_get_function_arguments
pg_get_function_identity_arguments pg_get_function_result pg_get_function_arg_default pg_get_indexdef pg_get_keywords
pg_get_ruledef pg_get_serial_sequence pg_get_statisticsobjdef pg_get_triggerdef pg_get_userbyid pg_get_viewdef
pg_get_partkeydef pg_get_partition_constraintdef pg_get_publication_tables pg_get_catalog_foreign_keys
pg_get_object_address pg_get_acl pg_describe_object pg_identify_object pg_identify_object_as_address
has_any_column_privilege has_column_privilege has_database_privilege has_foreign_data_wrapper_privilege has_function_privilege
has_language_privilege has_largeobject_privilege has_parameter_privilege has_schema_privilege has_sequence_privilege
has_server_privilege has_table_privilege has_tablespace_privilege has_type_privilege pg_has_role row_security_active
acldefault aclexplode makeaclitem
pg_table_is_visible pg_type_is_visible pg_function_is_visible pg_operator_is_visible pg_opclass_is_visible
pg_opfamily_is_visible pg_collation_is_visible pg_conversion_is_visible pg_statistics_obj_is_visible pg_ts_config_is_visible
pg_ts_dict_is_visible pg_ts_parser_is_visible pg_ts_template_is_visible pg_my_temp_schema pg_is_other_temp_schema
to_regclass to_regproc to_regprocedure to_regtype to_regtypemod to_regnamespace to_regrole to_regoper to_regoperator
to_regcollation pg_relation_size pg_total_relation_size pg_table_size pg_indexes_size pg_database_size pg_tablespace_size
pg_column_size pg_column_compression pg_column_toast_chunk_id pg_size_pretty pg_size_bytes pg_relation_filenode
pg_relation_filepath pg_filenode_relation pg_encoding_to_char pg_char_to_encoding pg_client_encoding pg_jit_available
pg_partition_tree pg_partition_root pg_partition_ancestors pg_options_to_table pg_settings_get_flags pg_input_is_valid
pg_input_error_info currval lastval pg_sequence_last_value pg_sequence_parameters pg_index_column_has_property
pg_index_has_property pg_indexam_has_property pg_tablespace_location pg_tablespace_databases pg_blocking_pids
pg_safe_snapshot_blocking_pids pg_listening_channels pg_notification_queue_usage pg_trigger_depth pg_collation_for
pg_current_wal_lsn pg_current_wal_insert_lsn pg_current_wal_flush_lsn pg_last_wal_receive_lsn pg_last_wal_replay_lsn
pg_last_xact_replay_timestamp pg_wal_lsn_diff pg_walfile_name pg_walfile_name_offset pg_split_walfile_name
pg_control_checkpoint pg_control_system pg_control_init pg_control_recovery pg_xact_commit_timestamp
pg_last_committed_xact pg_show_all_settings pg_show_all_file_settings pg_hba_file_rules pg_ident_file_mappings
pg_stat_get_activity pg_stat_get_backend_pid pg_lock_status pg_prepared_xact pg_cursor pg_prepared_statement
pg_available_extensions pg_available_extension_versions pg_extension_update_paths pg_get_replication_slots
pg_event_trigger_ddl_commands pg_event_trigger_dropped_objects pg_event_trigger_table_rewrite_oid
pg_event_trigger_table_rewrite_reason pg_get_wal_resource_managers pg_get_shmem_allocations pg_get_backend_memory_contexts
pg_mcv_list_items pg_timezone_names pg_timezone_abbrevs pg_config pg_get_multixact_members pg_numa_available
xpath xpath_exists xml_is_well_formed xml_is_well_formed_document xml_is_well_formed_content xmlcomment xmltext
host hostmask masklen netmask network broadcast family abbrev set_masklen inet_same_family inet_merge text_pattern_ops
isempty lower_inc upper_inc lower_inf upper_inf range_merge multirange int4range int8range numrange tsrange tstzrange
daterange int4multirange int8multirange nummultirange tsmultirange tstzmultirange datemultirange
hashtext hashtextextended point line lseg box path polygon circle area center diameter height width radius npoints
`
		.split(/\s+/)
		.filter(Boolean),
);

/** Common extension functions that only compute (pg_trgm, pgvector, pgcrypto, uuid-ossp, unaccent). */
const SAFE_EXTENSION_FUNCTIONS = new Set(
	`
similarity word_similarity strict_word_similarity show_trgm l2_distance cosine_distance inner_product l1_distance
vector_dims vector_norm l2_normalize binary_quantize subvector hamming_distance jaccard_distance uuid_generate_v1
uuid_generate_v1mc uuid_generate_v4 uuid_generate_v5 uuid_nil uuid_ns_url uuid_ns_dns digest hmac crypt gen_salt
gen_random_bytes armor dearmor unaccent
`
		.split(/\s+/)
		.filter(Boolean),
);

/** Schemas whose listed functions only compute. `auth.*` reads the request's JWT claims. */
const SAFE_QUALIFIED = new Map<string, Set<string>>([
	['auth', new Set(['uid', 'role', 'email', 'jwt'])],
	['extensions', SAFE_EXTENSION_FUNCTIONS],
	['public', SAFE_EXTENSION_FUNCTIONS],
]);

export type KnownEffect = {class: ToolCallClass; code: HazardCode; message: string};

const effect = (cls: ToolCallClass, code: HazardCode, message: string): KnownEffect => ({class: cls, code, message});

const SERVER_FILE = effect('destructive', 'server_file_access', 'reads or writes files on the database server');
const RUNS_SQL = effect('destructive', 'dynamic_sql', 'runs SQL given as a string, which cannot be checked');
const LOCKS = effect('write', 'side_effect_function', 'takes an advisory lock that outlives the query');
const REPLICATION = effect('write', 'side_effect_function', 'changes replication state');
const ADMIN = effect('write', 'side_effect_function', 'changes server state');
const LARGE_OBJECT = effect('write', 'side_effect_function', 'writes a large object');

/** Built-ins with side effects, by exact name. Prefix families are in KNOWN_EFFECT_PREFIXES. */
const KNOWN_EFFECTS = new Map<string, KnownEffect>([
	['set_config', effect('write', 'side_effect_function', 'changes a session setting')],
	['pg_terminate_backend', effect('destructive', 'side_effect_function', 'terminates another database session')],
	['pg_cancel_backend', effect('write', 'side_effect_function', "cancels another session's query")],
	['lo_import', SERVER_FILE],
	['lo_export', SERVER_FILE],
	['lo_unlink', effect('destructive', 'data_loss', 'deletes a large object')],
	['lo_create', LARGE_OBJECT],
	['lo_creat', LARGE_OBJECT],
	['lo_from_bytea', LARGE_OBJECT],
	['lo_put', LARGE_OBJECT],
	['lo_truncate', LARGE_OBJECT],
	['lo_truncate64', LARGE_OBJECT],
	['lowrite', LARGE_OBJECT],
	['lo_open', LARGE_OBJECT],
	['pg_read_file', SERVER_FILE],
	['pg_read_binary_file', SERVER_FILE],
	['pg_stat_file', SERVER_FILE],
	['pg_ls_dir', SERVER_FILE],
	['pg_ls_logdir', SERVER_FILE],
	['pg_ls_waldir', SERVER_FILE],
	['pg_ls_tmpdir', SERVER_FILE],
	['pg_ls_archive_statusdir', SERVER_FILE],
	['pg_ls_logicalsnapdir', SERVER_FILE],
	['pg_ls_logicalmapdir', SERVER_FILE],
	['pg_ls_replslotdir', SERVER_FILE],
	['pg_ls_summariesdir', SERVER_FILE],
	['pg_file_write', SERVER_FILE],
	['pg_file_unlink', SERVER_FILE],
	['pg_file_rename', SERVER_FILE],
	['pg_file_sync', SERVER_FILE],
	['nextval', effect('write', 'side_effect_function', 'advances a sequence')],
	['setval', effect('write', 'side_effect_function', 'resets a sequence')],
	['pg_notify', effect('write', 'side_effect_function', 'sends a notification to other sessions')],
	['pg_sleep', effect('write', 'side_effect_function', 'holds the connection (denial of service)')],
	['pg_sleep_for', effect('write', 'side_effect_function', 'holds the connection (denial of service)')],
	['pg_sleep_until', effect('write', 'side_effect_function', 'holds the connection (denial of service)')],
	['pg_reload_conf', ADMIN],
	['pg_rotate_logfile', ADMIN],
	['pg_switch_wal', ADMIN],
	['pg_create_restore_point', ADMIN],
	['pg_promote', effect('destructive', 'side_effect_function', 'promotes a standby server')],
	['pg_backup_start', ADMIN],
	['pg_backup_stop', ADMIN],
	['pg_log_backend_memory_contexts', ADMIN],
	['pg_import_system_collations', ADMIN],
	['pg_extension_config_dump', ADMIN],
	['pg_wal_replay_pause', ADMIN],
	['pg_wal_replay_resume', ADMIN],
	['setseed', effect('write', 'side_effect_function', 'changes the session random seed')],
	['txid_current', effect('write', 'side_effect_function', 'assigns a transaction id')],
	['pg_current_xact_id', effect('write', 'side_effect_function', 'assigns a transaction id')],
	['pg_export_snapshot', effect('write', 'side_effect_function', 'exports a snapshot')],
	['pg_drop_replication_slot', effect('destructive', 'data_loss', 'drops a replication slot')],
	['pg_logical_slot_get_changes', effect('destructive', 'data_loss', 'consumes changes from a replication slot')],
	['pg_logical_slot_get_binary_changes', effect('destructive', 'data_loss', 'consumes changes from a replication slot')],
	['pg_replication_slot_advance', REPLICATION],
	['pg_logical_emit_message', REPLICATION],
	['pg_replication_origin_create', REPLICATION],
	['pg_replication_origin_drop', effect('destructive', 'data_loss', 'drops a replication origin')],
	['query_to_xml', RUNS_SQL],
	['query_to_xmlschema', RUNS_SQL],
	['query_to_xml_and_xmlschema', RUNS_SQL],
	['cursor_to_xml', RUNS_SQL],
	['cursor_to_xmlschema', RUNS_SQL],
]);

const KNOWN_EFFECT_PREFIXES: Array<[string, KnownEffect]> = [
	['dblink', RUNS_SQL],
	['pg_advisory_', LOCKS],
	['pg_try_advisory_', LOCKS],
	['pg_create_', REPLICATION],
	['pg_copy_', REPLICATION],
	['pg_stat_reset', ADMIN],
	['pg_stat_statements_reset', ADMIN],
	['lo_', LARGE_OBJECT],
];

export type FunctionVerdict = {kind: 'safe'} | {kind: 'known'; effect: KnownEffect} | {kind: 'unknown'};

/** `names` is the qualified name as parsed, e.g. `['auth', 'uid']` or `['count']`. */
export function judgeFunction(names: readonly string[]): FunctionVerdict {
	const name = names.at(-1) ?? '';
	const schema = names.length > 1 ? names.at(-2) : undefined;
	const builtinPath = schema === undefined || schema === 'pg_catalog';
	if (builtinPath || schema === 'dblink' || schema === 'extensions' || schema === 'public') {
		const known = KNOWN_EFFECTS.get(name) ?? KNOWN_EFFECT_PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1];
		if (known) return {kind: 'known', effect: known};
	}

	if (builtinPath && (SAFE_BUILTINS.has(name) || name.startsWith('pg_stat_get_'))) return {kind: 'safe'};
	if (schema === undefined && SAFE_EXTENSION_FUNCTIONS.has(name)) return {kind: 'safe'};
	if (schema !== undefined && SAFE_QUALIFIED.get(schema)?.has(name)) return {kind: 'safe'};
	return {kind: 'unknown'};
}

/** Operators of the built-in types and the usual extensions. Anything else may be user-defined. */
const SAFE_OPERATORS = new Set(
	`
= <> != < > <= >= + - * / % ^ || |/ ||/ @ & | # ~ << >> ~~ !~~ ~~* !~~* ~* !~ !~* -> ->> #> #>> @> <@ ? ?| ?& #- @? @@ @@@
&& -|- &< &> <<| |>> &<| |&> ?# ?- ?-| ?|| ## <-> <=> <#> <+> <~> <%> <% %> <<% %>> <<-> <->> <<<-> <->>> !!
`
		.split(/\s+/)
		.filter(Boolean),
);

/** BETWEEN and friends are grammar, not operators: their `name` is the keyword text. */
const GRAMMAR_KINDS = new Set(['AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN', 'AEXPR_BETWEEN_SYM', 'AEXPR_NOT_BETWEEN_SYM']);

export function isSafeOperator(names: readonly string[], kind?: string): boolean {
	if (kind !== undefined && GRAMMAR_KINDS.has(kind)) return true;
	const name = names.at(-1) ?? '';
	const schema = names.length > 1 ? names.at(-2) : undefined;
	return (schema === undefined || schema === 'pg_catalog') && SAFE_OPERATORS.has(name);
}
