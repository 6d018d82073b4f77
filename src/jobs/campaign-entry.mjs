// Entry of a campaign worker thread: loads the TypeScript sources through tsx (as bin/rollcell.js does)
// and hands piscina the shard function.
import { register } from 'tsx/esm/api';

register();
const { runCampaignTask } = await import('./campaign.ts');
export default runCampaignTask;
