import { describe, expect, it } from 'vitest';
import { addressKey } from '../../src/mcp/connections.js';
import { bearerToken } from '../../dist/src/mcp/http.js';

describe('addressKey: the client an address stands for', () => {
  it.each([
    ['127.0.0.2', '127.0.0.2'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1%eth0', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['', ''],
  ])('%s -> %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('bearerToken: an empty or malformed credential is no token', () => {
  it.each([
    ['Bearer abc.DEF-_~+/=', 'abc.DEF-_~+/='],
    ['bearer   abc', 'abc'],
    ['Bearer abc ', 'abc'],
    [undefined, ''],
    ['', ''],
    ['Bearer', ''],
    ['Bearer ', ''],
    ['Bearer    ', ''],
    ['Basic YWxpY2U6', ''],
    ['Bearer a b', ''],
    ['Bearer\tabc', ''],
    ['Bearer abc\u00e9', ''],
    ['Bearer abc\u0000', ''],
    ['Bearerabc', ''],
  ])('%j -> %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
