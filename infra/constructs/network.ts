import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AmazonLinuxCpuType,
  IpAddresses,
  FlowLogDestination,
  FlowLogTrafficType,
  InstanceType,
  type NatInstanceProviderV2,
  MachineImage,
  NatProvider,
  NatTrafficDirection,
  Peer,
  Port,
  SubnetType,
  Vpc,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledge } from '../nag.js';
import { Construct } from 'constructs';

const VPC_CIDR = '10.0.0.0/16';

export interface NetworkProps {
  nat: 'gateway' | 'instance';
  logRetention: RetentionDays;
}

/**
 * The VPC: public subnets only for the NAT, private subnets with egress for the functions (they reach Git hosts,
 * Secrets Manager and Lambda through the NAT), isolated subnets for the database. Two AZs because RDS needs them.
 */
export class Network extends Construct {
  readonly vpc: IVpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const natGatewayProvider =
      props.nat === 'instance'
        ? NatProvider.instanceV2({
            instanceType: new InstanceType('t4g.nano'),
            machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.ARM_64 }),
            defaultAllowedTraffic: NatTrafficDirection.OUTBOUND_ONLY,
          })
        : NatProvider.gateway();
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways: 1,
      natGatewayProvider,
      subnetConfiguration: [
        { name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Functions', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'Database', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    if (props.nat === 'instance') {
      // The NAT instance must accept traffic from the private subnets; nothing from the internet.
      (natGatewayProvider as NatInstanceProviderV2).securityGroup.addIngressRule(
        Peer.ipv4(VPC_CIDR),
        Port.allTraffic(),
        'traffic from the VPC to the internet',
      );
      acknowledge(vpc, 'EC26', 'The NAT instance root volume holds no data, only the stock AMI.');
      acknowledge(
        vpc,
        'EC28',
        'Detailed monitoring of a t4g.nano NAT costs more than the instance; basic metrics suffice.',
      );
      acknowledge(
        vpc,
        'EC29',
        'The NAT instance is disposable: CloudFormation replaces it; termination protection would block stack updates.',
      );
    }
    // Rejected flows only: enough to see blocked connections (AwsSolutions-VPC7) without paying to log every packet.
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.REJECT,
    });
    this.vpc = vpc;
  }
}
