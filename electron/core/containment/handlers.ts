// The containment channels of the contract, over the workspace's Containment service. Inputs are
// already parsed by the dispatcher; every check that matters (roles, signatures, deadlines) is the
// service's, so the app, the e2e harness and a crafted IPC message all meet the same gate.
import type { Handlers } from '../dispatch';
import type { Containment } from './containment-service';

type ContainmentChannel =
  | 'containment.actions'
  | 'containment.saveAction'
  | 'containment.deleteAction'
  | 'containment.state'
  | 'containment.request'
  | 'containment.approveLocal'
  | 'containment.exportRequest'
  | 'containment.importApproval'
  | 'containment.approveFile'
  | 'containment.approvers'
  | 'containment.enrolApprover';

export function containmentHandlers(c: () => Containment, actor: string): Pick<Handlers, ContainmentChannel> {
  return {
    'containment.actions': () => c().actions(),
    'containment.saveAction': (i) => c().saveAction(i),
    'containment.deleteAction': (i) => c().deleteAction(i.id),
    'containment.state': (i) => c().state(i.id),
    'containment.request': (i) => c().request(i),
    'containment.approveLocal': (i) => c().approveLocal(i),
    'containment.exportRequest': (i) => c().exportRequest(i.request),
    'containment.importApproval': (i) => c().importApproval(i.text),
    'containment.approveFile': (i) => c().approveFile(i.text),
    'containment.approvers': () => c().approvers(),
    'containment.enrolApprover': (i) => c().enrolApprover(i, actor),
  };
}
