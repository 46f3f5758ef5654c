/** Validates a call at the host edge and runs its handler; both transports go through here. */

import { contract, isCallName, type CallName, type CallResult, type ParsedArgs } from '../core/api/contract';
import { fail, HostError, ok, type Result } from '../core/api/errors';

export type Handlers = { [N in CallName]: (args: ParsedArgs<N>) => Promise<CallResult<N>> };

export async function dispatch(handlers: Handlers, name: string, rawArgs: unknown): Promise<Result<unknown>> {
  if (!isCallName(name)) return fail('unknown-call', `"${name}" is not a LabelLoop call`);
  const parsed = contract[name].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return fail('invalid-argument', `${name}: ${issue?.message ?? 'invalid arguments'}${where}`);
  }
  try {
    const handler = handlers[name] as (args: unknown) => Promise<unknown>;
    return ok(await handler(parsed.data));
  } catch (error) {
    if (error instanceof HostError) return fail(error.code, error.message);
    const message = error instanceof Error ? error.message : String(error);
    return fail('internal', `${name} failed: ${message}`);
  }
}
