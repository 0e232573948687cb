import { grantsOf } from '../auth/permissions';
import { operation, type Operation } from './operation';
import { emptySchema } from './request-schemas';

/** Who is asking: a client (the console) shows only the actions the caller's role may take. */
export function callerOperations(): Operation[] {
  return [
    operation({
      name: 'caller.get',
      permission: 'read',
      input: emptySchema,
      run: async (_input, context) => ({ name: context.caller.name, role: context.caller.role, permissions: [...grantsOf(context.caller.role)] }),
    }),
  ];
}
