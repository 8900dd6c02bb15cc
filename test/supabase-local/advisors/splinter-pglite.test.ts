/** The splinter-style advisor suite on the embedded database, through `pgpair mcp`. Cases: splinter.cases.ts. */
import {describeSplinterSuite} from './splinter-suite.js';

describeSplinterSuite('pglite');
