/** list_extensions on a real Postgres (`pgpair mcp --db`). Shared cases: extensions-suite.ts. */
import {describeExtensionSuite} from './extensions-suite.js';

describeExtensionSuite('postgres');
