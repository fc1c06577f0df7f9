// Lists the forms offer as choices (the server checks them again).

export const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-east-1', 'me-south-1', 'me-central-1', 'il-central-1',
  'af-south-1', 'sa-east-1', 'mx-central-1',
];

/** Instance types the forms offer (x86_64 first; arm64 types need an arm64 image). */
export const INSTANCE_TYPES = [
  't3.nano', 't3.micro', 't3.small', 't3.medium', 't3.large', 't3.xlarge', 't3a.micro', 't3a.small', 't3a.medium',
  't2.micro', 't2.small', 'm5.large', 'm5.xlarge', 'm5.2xlarge', 'm6i.large', 'm6i.xlarge', 'm7i.large', 'm7i.xlarge',
  'c5.large', 'c5.xlarge', 'c6i.large', 'c6i.xlarge', 'c7i.large', 't4g.micro', 't4g.small', 'm6g.large', 'm7g.large',
  'c6g.large',
];

export const CATEGORIES = [
  'Operating Systems', 'Security', 'Network Infrastructure', 'Migration', 'Application Development',
  'Application Servers', 'Application Stacks', 'Big Data', 'Business Intelligence', 'Databases & Analytics Platforms',
  'Data Analytics', 'Data Integration', 'Data Preparation', 'Databases', 'DevOps', 'Monitoring', 'Log Analysis',
  'Continuous Integration and Continuous Delivery', 'Source Control', 'Testing', 'Issue & Bug Tracking',
  'Infrastructure as Code', 'Storage', 'Backup & Recovery', 'High Performance Computing', 'Machine Learning',
  'Internet of Things', 'Blockchain', 'Media', 'Content Management', 'Collaboration & Productivity',
  'Customer Relationship Management', 'eCommerce', 'Education & Research', 'Financial Services',
  'Healthcare & Life Sciences', 'Identity & Access Management', 'Firewalls', 'Network Security', 'Observability',
];

export const OPERATING_SYSTEMS = ['AMAZONLINUX', 'UBUNTU', 'DEBIAN', 'RHEL', 'CENTOS', 'SUSE', 'ROCKYLINUX',
  'ALMALINUX', 'ORACLELINUX', 'FREEBSD', 'WINDOWS', 'OTHERLINUX'];

export const UNITS = ['Units', 'Users', 'Hosts', 'Requests', 'GB', 'TB', 'MB', 'Gbps', 'Mbps', 'HostHrs', 'UserHrs',
  'UnitHrs', 'TaskHrs', 'TierHrs'];
