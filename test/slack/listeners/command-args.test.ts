import { describe, expect, it } from 'vitest';
import { parseChannelArg, parseDeclareArgs } from '../../../src/slack/listeners/command-args.js';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('/firebreak declare arguments', () => {
  it('reads severity and drill in any order around the channel, severity defaulting to SEV3', () => {
    for (const typed of ['C0GENERAL1 drill sev2 Rumour', 'C0GENERAL1 sev2 drill Rumour', 'drill C0GENERAL1 sev2 Rumour', 'sev2 drill C0GENERAL1 Rumour']) {
      expect(parseDeclareArgs(words(typed)), typed).toMatchObject({ channel: { id: 'C0GENERAL1' }, severity: 'sev2', drill: true, summary: 'Rumour' });
    }
    expect(parseDeclareArgs(words('C0GENERAL1 Rumour about refunds'))).toMatchObject({ severity: 'sev3', drill: false, summary: 'Rumour about refunds' });
    // Once the summary starts, "drill" and "sev1" are words of the summary.
    expect(parseDeclareArgs(words('C0GENERAL1 Fire drill went wrong sev1'))).toMatchObject({ drill: false, severity: 'sev3', summary: 'Fire drill went wrong sev1' });
    expect(parseDeclareArgs(words('C0GENERAL1 SEV1 Outage'))).toMatchObject({ severity: 'sev1' });
    expect(parseDeclareArgs(words('C0GENERAL1 sev9 Outage'))).toMatchObject({ badSeverity: 'sev9' });
  });

  it('accepts every way a channel arrives', () => {
    expect(parseChannelArg('<#C0GENERAL1|general>')).toEqual({ id: 'C0GENERAL1', name: 'general' });
    expect(parseChannelArg('<#C0GENERAL1>')).toEqual({ id: 'C0GENERAL1', name: null });
    expect(parseChannelArg('C0GENERAL1')).toEqual({ id: 'C0GENERAL1', name: null });
    expect(parseChannelArg('#General')).toEqual({ id: null, name: 'general' });
    expect(parseChannelArg('#')).toBeNull();
    expect(parseChannelArg('general')).toBeNull();
  });
});
