// Redaction of URL credentials in messages and git's stderr (issue 15 #9).
import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { Git } from '../src/lib/git.js';
import { redactSecrets, redactUrls } from '../src/lib/redact.js';
import { reportError } from '../src/program.js';

describe('security', () => {
  describe('URL credentials are fully redacted (#9)', () => {
    it.each([
      // The two cases of the issue: an "@" in the password, a "/" in the password.
      ['http://tok:Sup3r@S3cret@host/', 'http://***@host/'],
      ['http://tok:pa/ss@host/x.git', 'http://***@host/x.git'],
      ['https://tok:a/b/c@host:8443/x.git', 'https://***@host:8443/x.git'],
      ['https://user:p%40ss%2Fw0rd@host/x.git', 'https://***@host/x.git'],
      ['https://user:pw@host:8080/x.git', 'https://***@host:8080/x.git'],
      ['https://x-access-token:ghp_abc@github.com/acme/x.git', 'https://***@github.com/acme/x.git'],
      // A token as the user name, no password.
      ['https://ghp_tokenAsUser@github.com/acme/x.git', 'https://***@github.com/acme/x.git'],
      ['ssh://git:pw@host:22/x.git', 'ssh://***@host:22/x.git'],
      ['HTTPS://U:P@HOST/X', 'HTTPS://***@HOST/X'],
      ['https://u:p@[::1]:8080/x', 'https://***@[::1]:8080/x'],
      ['https://u:p@host?q=1', 'https://***@host?q=1'],
      ['https://u:p@host#frag', 'https://***@host#frag'],
      // A password with a "?" or "#" (which would end a parser's authority), and a "\".
      ['https://u:a?b@host/x', 'https://***@host/x'],
      ['https://u:a#b@host/x', 'https://***@host/x'],
      ['https://u:a\\b@host/x', 'https://***@host/x'],
      // Several URLs in one message, quoted as git quotes them, or glued by punctuation.
      [
        "fatal: unable to access 'https://a:s1@h1/x.git/': and 'http://b:s2@h2:81/y.git/'",
        "fatal: unable to access 'https://***@h1/x.git/': and 'http://***@h2:81/y.git/'",
      ],
      ['https://a:s1@h1/x,https://b:s2@h2/y', 'https://***@h1/x,https://***@h2/y'],
      ['(https://a:s1@h1/x)', '(https://***@h1/x)'],
      // A quote inside the password does not end the URL early.
      ["'https://u:it's@host/x'", "'https://***@host/x'"],
      // git's stderr, over several lines.
      [
        "Cloning into 'x'...\nremote: Invalid username or password.\nfatal: Authentication failed for 'https://robot:S3cr3t@git.example.com/acme/state.git/'\n",
        "Cloning into 'x'...\nremote: Invalid username or password.\nfatal: Authentication failed for 'https://***@git.example.com/acme/state.git/'\n",
      ],
    ])('%j -> %j', (input, expected) => {
      expect(redactUrls(input)).toBe(expected);
    });

    it.each([
      // No user-info: left alone.
      'https://github.com/acme/x.git',
      'http://127.0.0.1:8080/r1/state.git',
      // scp-like addresses carry no password; an "@" in a path after a host without a port is a path.
      'git@github.com:acme/x.git',
      'https://host/acme/x@v1.2',
      'mail robot@example.com about it',
      '/srv/git/acme/x.git',
      '',
    ])('leaves %j as it is', (input) => {
      expect(redactUrls(input)).toBe(input);
    });

    it('is what git messages go through', async () => {
      const git = await Git.create({ env: {} });
      expect(git.redact("fatal: unable to access 'http://tok:Sup3r@S3cret@host/x.git/': 403")).toBe(
        "fatal: unable to access 'http://***@host/x.git/': 403",
      );
      expect(
        git.redact('cloning the state repository http://tok:pa/ss@host/x.git (branch main) failed'),
      ).toBe('cloning the state repository http://***@host/x.git (branch main) failed');
    });

    it('hides more rather than less when a path holds an "@" after a port (it could be a password with "/")', () => {
      expect(redactUrls('http://host:8080/a@b')).toBe('http://***@b');
      expect(redactUrls('http://tok:12/ss@host/')).toBe('http://***@host/');
    });

    it('redacts the secrets themselves, raw and percent-encoded, longest first', () => {
      expect(
        redactSecrets('token p@ss/w0rd in p%40ss%2Fw0rd and p@ss/w0rd-long, https://u:zz@h/', [
          'p@ss/w0rd',
          'p@ss/w0rd-long',
          '',
        ]),
      ).toBe('token *** in *** and ***, https://***@h/');
    });
  });
});

describe('the CLI never prints URL credentials in an error message', () => {
  function stderrOf(error: unknown): { text: string; code: number } {
    let text = '';
    const sink = {
      write(chunk: string) {
        text += chunk;
        return true;
      },
    };
    const code = reportError(error, { stdout: sink, stderr: sink, env: {}, cwd: '/' });
    return { text, code };
  }

  it('redacts an unexpected error', () => {
    const { text, code } = stderrOf(new Error('connect ECONNREFUSED https://ci:s3cret@git.example/x.git'));
    expect(code).toBe(1);
    expect(text).toBe(
      'image-factory: unexpected error: connect ECONNREFUSED https://***@git.example/x.git\n',
    );
  });

  it('redacts a CLI error and its hint', () => {
    const { text, code } = stderrOf(
      new CliError('cannot clone https://u:tok@h/x.git', 1, 'check https://u:tok@h/x.git'),
    );
    expect(code).toBe(1);
    expect(text).not.toContain('tok');
    expect(text).toContain('https://***@h/x.git');
  });

  it('redacts a refused state write', () => {
    const error = Object.assign(new Error('cannot write for https://a:b@h/'), { name: 'StateWriteError' });
    expect(stderrOf(error).text).toBe('image-factory: cannot write for https://***@h/\n');
  });
});
