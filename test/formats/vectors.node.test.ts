// docs/test-vectors, verified by the SDK in Node (desktop apps and servers). The same suite runs
// in workerd (vectors.test.ts).
import { COMMITTED } from "./committed.ts";
import { describeVectors } from "./vectors.ts";

describeVectors("Node", COMMITTED);
