/** The shared Kubernetes metadata types, described as this service fills them. */
import { bool, free, int, list, obj, str, strList, strMap, time } from './openapi-types.js';

export const objectMeta = obj('Standard object metadata: identity, labels, annotations and bookkeeping.', {
  annotations: strMap('Free-form key/value pairs kept as the client sent them.'),
  creationTimestamp: time('When the object was first stored; set by the server.'),
  deletionGracePeriodSeconds: int('Not used by this service.'),
  deletionTimestamp: time(
    'Set by the server when a deletion was requested but a finalizer still holds the object; the object goes when its last finalizer is removed.',
  ),
  finalizers: strList('Names of controllers that must act before the object may be deleted.'),
  generateName: str('Not used: names are given by the client or computed by the server.'),
  generation: int('Counts changes of the spec; set by the server.'),
  labels: strMap('Key/value pairs that label selectors match against.'),
  managedFields: list(
    'Which field manager owns which fields, maintained by the server on every write (server-side apply).',
    free('One manager, operation (Apply or Update) and API version, with the set of fields it owns.', {
      manager: str('The field manager: the fieldManager of the request, or the client program.'),
      operation: str('Apply for server-side apply, Update for create, replace and merge patch.'),
      apiVersion: str('The API version the manager wrote in.'),
      time: time('When the manager last changed a field.'),
      fieldsType: str('Always FieldsV1.'),
      fieldsV1: free('The owned fields as a FieldsV1 tree (f:<field> keys).'),
    }),
  ),
  name: str('The object name, unique in its namespace.'),
  namespace: str('The namespace the object lives in.'),
  ownerReferences: list(
    'Objects this object belongs to; stored as sent.',
    obj(
      'A reference to an owning object.',
      {
        apiVersion: str('API version of the owner.'),
        blockOwnerDeletion: bool('Whether the owner must wait for this object before it is deleted.'),
        controller: bool('Whether the owner is the managing controller.'),
        kind: str('Kind of the owner.'),
        name: str('Name of the owner.'),
        uid: str('UID of the owner.'),
      },
      ['apiVersion', 'kind', 'name', 'uid'],
    ),
  ),
  resourceVersion: str(
    'Opaque version of the object, changed by every write; send it back on updates so that a concurrent change is detected (409).',
  ),
  selfLink: str('Not used.'),
  uid: str('Unique identity of the object; set by the server.'),
});

export const listMeta = obj('Standard list metadata.', {
  continue: str('Opaque token for the next page; send it as ?continue= with the same selectors.'),
  remainingItemCount: int('Not reported by this service.'),
  resourceVersion: str('The version of the data the list was read at.'),
  selfLink: str('Not used.'),
});

export const condition = obj('One observation of the state of the object.', {
  lastTransitionTime: time('When the status of the condition last changed.'),
  message: str('Human-readable detail.'),
  observedGeneration: int('The generation the condition was computed for.'),
  reason: str('One-word machine-readable cause.'),
  status: str('True, False or Unknown.'),
  type: str('What the condition is about, e.g. Ready.'),
});
