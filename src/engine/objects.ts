import { splitApiVersion } from '../kube/discovery.ts';
import { describeRef } from '../kube/types.ts';
import type { Obj, ObjRef } from './types.ts';

export { splitApiVersion };

export function refOf(obj: Obj): ObjRef {
  return {
    group: splitApiVersion(obj.apiVersion).group,
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
  };
}

export { describeRef };
