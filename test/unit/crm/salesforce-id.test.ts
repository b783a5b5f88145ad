import { describe, expect, it } from 'vitest';
import { toSalesforceId18 } from '../../../lib/crm/salesforce-id';

describe('Salesforce ids', () => {
  it('adds the checksum suffix Salesforce documents (001A0000006Vm9r → …IAC)', () => {
    expect(toSalesforceId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
  });

  it('accepts an 18-character id whatever the case of its suffix', () => {
    expect(toSalesforceId18('001A0000006Vm9rIAC')).toBe('001A0000006Vm9rIAC');
    expect(toSalesforceId18('001A0000006Vm9riac')).toBe('001A0000006Vm9rIAC');
  });

  it.each(['001A0000006Vm9rAAA', '000000000000000', '001A0000006Vm9', '001A0000006Vm9r!', ''])(
    'refuses %j',
    (id) => {
      expect(toSalesforceId18(id)).toBeNull();
    },
  );
});
