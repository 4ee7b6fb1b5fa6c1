// Two databases of the rdsplatform component package in one TypeScript program: orders
// (PostgreSQL, a reporting replica, a proxy) and billing (Aurora MySQL), each in its own VPC.
import * as rdsplatform from "@pulumi/rdsplatform";

// What both teams share: owner tag, a generated password rotated every 30 days, who is paged.
const common = {
    credentialsMode: rdsplatform.CredentialsMode.GENERATED,
    tags: { Owner: "payments", CostCenter: "payments-prod" },
};
const paged = { emails: ["dba-oncall@example.com"] };

const orders = new rdsplatform.DatabasePlatform("orders", {
    ...common,
    engine: rdsplatform.Engine.POSTGRES,
    engineVersion: "16",
    instanceClass: "db.r7g.large",
    allocatedStorage: 100,
    maxAllocatedStorage: 500,
    vpcCidr: "10.60.0.0/16",
    allowedCidrs: ["10.60.0.0/16"],
    replicas: [{ name: "reporting" }],
    proxy: { idleClientTimeout: 900 },
    alarms: { ...paged, thresholds: { cpuUtilizationPercent: 75 } },
});

const billing = new rdsplatform.DatabasePlatform("billing", {
    ...common,
    deploymentOption: rdsplatform.DeploymentOption.AURORA,
    engine: rdsplatform.Engine.AURORA_MYSQL,
    engineVersion: "8.0",
    instanceClass: "db.r7g.large",
    vpcCidr: "10.61.0.0/16",
    allowedCidrs: ["10.61.0.0/16"],
    cluster: { readers: 1, readerAutoScaling: { maxReaders: 4 } },
    alarms: paged,
});

export const ordersEndpoint = orders.endpoint;
export const ordersReaders = orders.replicaEndpoints;
export const billingEndpoint = billing.endpoint;
export const billingSecretArn = billing.masterSecretArn;
