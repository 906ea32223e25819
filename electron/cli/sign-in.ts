// Signs in to a profile of the data folder, or signs up a new one, asking for the password without showing it; the API's refusals are shown as they are.
import { ApiError, type ApiClient, type ProfileSummary } from '../shared/api/index.js';
import type { Output } from './output.js';

/** Asks a question; the answer is the next line typed (undefined when input ended). */
export type Ask = (field: 'profile' | 'password' | 'new-password' | 'repeat-password', question: string, secret: boolean) => Promise<string | undefined>;

/** Thrown out of a question when the input ended (Ctrl-D, end of stdin). */
class InputEnded extends Error {}

/** Resolves true once signed in, false when the input ended first. */
export async function signIn(api: ApiClient, ask: Ask, output: Output, dataDir: string): Promise<boolean> {
  const profiles = await api['profiles.list']({});
  output.notice(
    profiles.length === 0
      ? `No profile in ${dataDir} yet: type a name to sign up.`
      : `Profiles in ${dataDir}: ${profiles.map((p) => p.label).join(', ')}. Type one to sign in, or a new name to sign up.`,
  );
  const answer = async (...args: Parameters<Ask>): Promise<string> => {
    const text = await ask(...args);
    if (text === undefined) throw new InputEnded('input ended');
    return text;
  };
  try {
    for (;;) {
      const name = (await answer('profile', 'Profile: ', false)).trim();
      if (name === '') continue;
      const matching = profiles.filter((p) => p.label.toLowerCase() === name.toLowerCase());
      if (matching.length > 1) {
        output.notice(`${String(matching.length)} profiles are called "${name}"; sign in to them from the window, or rename one there.`);
        continue;
      }
      const done = matching[0] === undefined ? await signUp(api, answer, output, name) : await unlock(api, answer, output, matching[0]);
      if (done) return true;
    }
  } catch (error) {
    if (error instanceof InputEnded) return false;
    throw error;
  }
}

/** Asks for the password until it is right; an empty one goes back to choosing the profile. */
async function unlock(api: ApiClient, answer: (...args: Parameters<Ask>) => Promise<string>, output: Output, profile: ProfileSummary): Promise<boolean> {
  for (;;) {
    const password = await answer('password', `Password for ${profile.label}: `, true);
    if (password === '') return false;
    output.notice('Checking the password and starting tor…');
    try {
      await api['profiles.unlock']({ profileId: profile.id, password });
      output.notice(`Signed in to ${profile.label}.`);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      output.failure('sign-in', error.code, error.message);
      if (error.code !== 'wrong-password') return false;
    }
  }
}

async function signUp(api: ApiClient, answer: (...args: Parameters<Ask>) => Promise<string>, output: Output, name: string): Promise<boolean> {
  output.notice(`No profile "${name}" here: signing up (an empty password goes back).`);
  for (;;) {
    const password = await answer('new-password', `New password for ${name}: `, true);
    if (password === '') return false;
    const strength = await api['profiles.passwordStrength']({ password });
    if (!strength.ok) {
      output.failure('sign-up', 'weak-password', `The password is too weak: ${strength.reason ?? 'choose a longer one'}`);
      continue;
    }
    if ((await answer('repeat-password', 'Repeat the password: ', true)) !== password) {
      output.failure('sign-up', 'invalid-input', 'The two passwords differ; type the new one again.');
      continue;
    }
    try {
      const profile = await api['profiles.create']({ label: name, nickname: name, password });
      output.notice('Profile created; starting tor…');
      await api['profiles.unlock']({ profileId: profile.id, password });
      output.notice(`Signed up and signed in as ${name}.`);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      output.failure('sign-up', error.code, error.message);
      return false;
    }
  }
}
