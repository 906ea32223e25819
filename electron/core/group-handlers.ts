// The API's group commands, answered by the unlocked profile's group part of messaging (and its relays for the directory).
import type { ApiHandlers } from '../shared/api/index.js';
import type { ProfileRuntime } from './profile-runtime.js';

type GroupCommand = Extract<keyof ApiHandlers, `groups.${string}`>;

export function groupHandlers(runtime: () => ProfileRuntime): Pick<ApiHandlers, GroupCommand> {
  const groups = () => runtime().messenger.groups;
  const done = async (task: Promise<unknown>): Promise<null> => {
    await task;
    return null;
  };
  return {
    'groups.list': () => Promise.resolve(groups().list()),
    'groups.create': ({ name }) => groups().create(name),
    'groups.rename': ({ group, name }) => groups().rename(group, name),
    'groups.invite': ({ group, address }) => done(groups().invite(group, address)),
    'groups.inviteLink': ({ group }) => Promise.resolve(groups().inviteLink(group)),
    'groups.joinByLink': ({ link }) => groups().joinByLink(link),
    'groups.invitations': () => Promise.resolve(groups().invitations()),
    'groups.acceptInvitation': ({ id }) => groups().acceptInvitation(id),
    'groups.declineInvitation': ({ id }) => done(groups().declineInvitation(id)),
    'groups.joinRequests': () => Promise.resolve(groups().joinRequests()),
    'groups.answerJoinRequest': ({ id, admit }) => done(groups().answerJoinRequest(id, admit)),
    'groups.removeMember': ({ group, address }) => groups().removeMember(group, address),
    'groups.setRole': ({ group, address, role }) => groups().setRole(group, address, role),
    'groups.leave': ({ group }) => groups().leave(group),
    'groups.delete': ({ group }) => done(groups().delete(group)),
    'groups.history': ({ group, before, limit }) => groups().history(group, before, limit),
    'groups.markRead': ({ group }) => done(groups().markRead(group)),
    'groups.send': ({ group, text, via }) => groups().send(group, text, via),
    'groups.setDelivery': ({ group, delivery }) => groups().setDelivery(group, delivery),
    'groups.directory': () => runtime().directory.list(),
    'groups.joinByName': ({ name, relay }) => runtime().directory.joinByName(name, relay),
    'groups.publish': ({ group, relay, name, description, policy }) => runtime().directory.publish(group, { relay, name, description, policy }),
    'groups.unpublish': ({ group }) => runtime().directory.unpublish(group),
  };
}
