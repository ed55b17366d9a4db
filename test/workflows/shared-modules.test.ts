import vm from 'node:vm';
import { testWorkflowBundle } from '../helpers/temporal';

/**
 * The worker keeps its workflows in one reusable V8 context: modules loaded before a workflow
 * exists are shared by all of them (and frozen by the SDK), every other module is evaluated again
 * for each workflow it holds. zod is shared (workflows/preload.ts): evaluated per workflow it cost
 * about 0.8 MB and half the time of bringing a workflow into the cache (bench: open workflows).
 * This loads the bundle the way the SDK's reusable context does and checks what each workflow
 * evaluates; the workflow and replay tests run the shared, frozen zod for real.
 */
function loadLikeReusableContext(code: string) {
  const context = vm.createContext({}, { microtaskMode: 'afterEvaluate' });
  const shared = new Map<string | symbol, unknown>();
  let perWorkflow: Map<string | symbol, unknown> | undefined;
  Object.defineProperty(context, '__webpack_module_cache__', {
    value: new Proxy(
      {},
      {
        get: (_, id) => shared.get(id) ?? perWorkflow?.get(id),
        set: (_, id, value) => {
          (perWorkflow ?? shared).set(id, value);
          return true;
        },
      },
    ),
  });
  vm.runInContext(code, context);
  vm.runInContext('__TEMPORAL__.preloadModules?.()', context);
  return {
    shared: [...shared.keys()].map(String),
    /** The modules one more workflow evaluates for itself. */
    importWorkflows(): string[] {
      perWorkflow = new Map();
      vm.runInContext('__TEMPORAL__.importWorkflows()', context);
      return [...perWorkflow.keys()].map(String);
    },
  };
}

test('zod is loaded once for the whole context, the workflow code once per workflow', async () => {
  const { code } = await testWorkflowBundle();
  const context = loadLikeReusableContext(code);
  expect(context.shared.filter((id) => id.includes('/node_modules/zod/')).length).toBeGreaterThan(10);
  for (let i = 0; i < 2; i++) {
    const own = context.importWorkflows();
    expect(own.filter((id) => id.includes('/node_modules/zod/'))).toEqual([]);
    expect(own).toEqual(expect.arrayContaining(['./workflows/proposal.ts', './domain/schemas.ts']));
  }
});

test("zod's pattern resets never write to a shared (frozen) pattern", async () => {
  const { code } = await testWorkflowBundle();
  // zod-shared-loader.js rewrites each `pattern.lastIndex = 0;` of zod's core; none is left as it was.
  const zodModules = code.split('\n/***/ "').filter((m) => m.startsWith('./node_modules/zod/'));
  expect(zodModules.length).toBeGreaterThan(10);
  const unguarded = zodModules.filter((m) => /(?<!!== 0 && \()[\w$.]+\.lastIndex = 0;/.test(m));
  expect(unguarded.map((m) => m.slice(0, m.indexOf('"')))).toEqual([]);
  const frozen = Object.freeze(/^[a-z]+$/);
  const reset = (pattern: RegExp) => pattern.lastIndex !== 0 && (pattern.lastIndex = 0);
  expect(() => reset(frozen)).not.toThrow();
});
