/** The splinter-style advisor suite on a real Postgres (`pgpair mcp --db`). Cases: splinter.cases.ts. */
import {describeSplinterSuite} from './splinter-suite.js';

describeSplinterSuite('postgres');
