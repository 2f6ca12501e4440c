/** How a verified token's claims become an identity; kube-apiserver's `--oidc-*` options by another name. */
export interface IdentitySettings {
  /** Claim holding the user name (`--oidc-username-claim`); default `sub`. */
  usernameClaim: string;
  /**
   * Prefix of user names (`--oidc-username-prefix`). Undefined: the issuer URL + `#`, except for the `email`
   * claim, which gets none; `-` means no prefix.
   */
  usernamePrefix: string | undefined;
  /** Claim holding the groups (`--oidc-groups-claim`); default `groups`. */
  groupsClaim: string;
  /** Prefix of group names (`--oidc-groups-prefix`); default none. */
  groupsPrefix: string;
  /** Members are allowed everything, whatever the bindings say; default `system:masters`. */
  bootstrapAdminGroup: string;
  /**
   * Users put in the bootstrap admin group whatever their token says: the way in for IAM callers, which carry no
   * groups, and for identity providers without a groups claim.
   */
  bootstrapAdminUsers: string[];
}

export const DEFAULT_IDENTITY_SETTINGS: IdentitySettings = {
  usernameClaim: 'sub',
  usernamePrefix: undefined,
  groupsClaim: 'groups',
  groupsPrefix: '',
  bootstrapAdminGroup: 'system:masters',
  bootstrapAdminUsers: [],
};

/** The group every authenticated caller is in, as in Kubernetes. */
export const AUTHENTICATED_GROUP = 'system:authenticated';
export const ANONYMOUS_USER = 'system:anonymous';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
