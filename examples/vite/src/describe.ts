// What the page says after a vote, from the event's typed detail.
import type { VotedDetail } from 'tongxin-widgets';

/** "Poll 3: ballot counted (options 2)", or without choices for secret ballots. */
export function describeVote(detail: VotedDetail): string {
  if (detail.anonymous) return `Poll ${detail.pollId}: secret ballot counted`;
  return `Poll ${detail.pollId}: ballot counted (options ${detail.choices.join(', ')})`;
}
