import type {LintDefinition} from '../types.js';
import {unindexedForeignKeys} from './0001-unindexed-foreign-keys.js';
import {authUsersExposed} from './0002-auth-users-exposed.js';
import {authRlsInitplan} from './0003-auth-rls-initplan.js';
import {noPrimaryKey} from './0004-no-primary-key.js';
import {unusedIndex} from './0005-unused-index.js';
import {multiplePermissivePolicies} from './0006-multiple-permissive-policies.js';
import {policyExistsRlsDisabled} from './0007-policy-exists-rls-disabled.js';
import {rlsEnabledNoPolicy} from './0008-rls-enabled-no-policy.js';
import {duplicateIndex} from './0009-duplicate-index.js';
import {securityDefinerView} from './0010-security-definer-view.js';
import {functionSearchPathMutable} from './0011-function-search-path-mutable.js';
import {rlsDisabledInPublic} from './0013-rls-disabled-in-public.js';
import {extensionInPublic} from './0014-extension-in-public.js';
import {rlsReferencesUserMetadata} from './0015-rls-references-user-metadata.js';
import {materializedViewInApi} from './0016-materialized-view-in-api.js';
import {foreignTableInApi} from './0017-foreign-table-in-api.js';
import {unsupportedRegTypes} from './0018-unsupported-reg-types.js';
import {insecureQueueExposedInApi} from './0019-insecure-queue-exposed-in-api.js';
import {tableBloat} from './0020-table-bloat.js';
import {fkeyToAuthUnique} from './0021-fkey-to-auth-unique.js';
import {extensionVersionsOutdated} from './0022-extension-versions-outdated.js';
import {sensitiveColumnsExposed} from './0023-sensitive-columns-exposed.js';
import {rlsPolicyAlwaysTrue} from './0024-rls-policy-always-true.js';
import {publicBucketAllowsListing} from './0025-public-bucket-allows-listing.js';
import {pgGraphqlAnonTableExposed, pgGraphqlAuthenticatedTableExposed} from './0026-0027-pg-graphql-table-exposed.js';
import {anonSecurityDefinerFunctionExecutable, authenticatedSecurityDefinerFunctionExecutable} from './0028-0029-security-definer-function-executable.js';

/** Every lint, in upstream order; results are grouped in this order. */
export const LINTS: readonly LintDefinition[] = [
	unindexedForeignKeys,
	authUsersExposed,
	authRlsInitplan,
	noPrimaryKey,
	unusedIndex,
	multiplePermissivePolicies,
	policyExistsRlsDisabled,
	rlsEnabledNoPolicy,
	duplicateIndex,
	securityDefinerView,
	functionSearchPathMutable,
	rlsDisabledInPublic,
	extensionInPublic,
	rlsReferencesUserMetadata,
	materializedViewInApi,
	foreignTableInApi,
	unsupportedRegTypes,
	insecureQueueExposedInApi,
	tableBloat,
	fkeyToAuthUnique,
	extensionVersionsOutdated,
	sensitiveColumnsExposed,
	rlsPolicyAlwaysTrue,
	publicBucketAllowsListing,
	pgGraphqlAnonTableExposed,
	pgGraphqlAuthenticatedTableExposed,
	anonSecurityDefinerFunctionExecutable,
	authenticatedSecurityDefinerFunctionExecutable,
];
