// The API's group commands, answered by the unlocked profile's group service.
import { ApiError, type ApiHandlers } from '../shared/api/index.js';
import type { ProfileRuntime } from './profile-runtime.js';

type GroupCommand = Extract<keyof ApiHandlers, `groups.${string}`>;

export function groupHandlers(runtime: () => ProfileRuntime): Pick<ApiHandlers, GroupCommand> {
  void runtime;
  const pending = (): Promise<never> => Promise.reject(new ApiError('internal', 'groups are being wired'));
  return {
    'groups.list': pending,
    'groups.create': pending,
    'groups.rename': pending,
    'groups.invite': pending,
    'groups.inviteLink': pending,
    'groups.joinByLink': pending,
    'groups.invitations': pending,
    'groups.acceptInvitation': pending,
    'groups.declineInvitation': pending,
    'groups.joinRequests': pending,
    'groups.answerJoinRequest': pending,
    'groups.removeMember': pending,
    'groups.setRole': pending,
    'groups.leave': pending,
    'groups.delete': pending,
    'groups.history': pending,
    'groups.markRead': pending,
    'groups.send': pending,
    'groups.setDelivery': pending,
    'groups.directory': pending,
    'groups.joinByName': pending,
    'groups.publish': pending,
    'groups.unpublish': pending,
  };
}
