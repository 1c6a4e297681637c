// docs/test-vectors, verified by the SDK inside workerd (the runtime of edge verifiers). The same
// suite runs in Node (vectors.node.test.ts).
import { COMMITTED } from "./committed.ts";
import { describeVectors } from "./vectors.ts";

describeVectors("workerd", COMMITTED);
