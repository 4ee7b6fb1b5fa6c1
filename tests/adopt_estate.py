"""Databases to adopt, seeded into the runbooks' moto server (tests/ops_estate.py): a compliant one,
a non-compliant one and one with a read replica, each in private subnets of a VPC with a customer
managed key; plus the databases adopt refuses."""

from __future__ import annotations

from typing import Any

PASSWORD = "moto-only-Pw-3817"


def seed(estate: Any) -> dict[str, Any]:
    """Create the databases; the IDs the tests need."""
    ec2, kms, rds = estate.client("ec2"), estate.client("kms"), estate.client("rds")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.70.{i}.0/24", AvailabilityZone=f"eu-west-1{z}")["Subnet"]["SubnetId"]
               for i, z in enumerate("ab")]
    rds.create_db_subnet_group(DBSubnetGroupName="legacy-subnets", DBSubnetGroupDescription="console-made",
                               SubnetIds=subnets)
    key = kms.create_key(Description="made in the console")["KeyMetadata"]
    role = estate.client("iam").create_role(RoleName="rds-monitoring-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    common = dict(Engine="postgres", EngineVersion="16.4", MasterUsername="dbadmin", MasterUserPassword=PASSWORD,
                  AllocatedStorage=100, DBSubnetGroupName="legacy-subnets", StorageEncrypted=True,
                  KmsKeyId=key["Arn"], DBName="app", StorageType="gp3")
    rds.create_db_instance(DBInstanceIdentifier="ledger-live", DBInstanceClass="db.r7g.large", MultiAZ=True,
                           DeletionProtection=True, BackupRetentionPeriod=14, EnableIAMDatabaseAuthentication=True,
                           EnablePerformanceInsights=True, MonitoringInterval=60, MonitoringRoleArn=role, CopyTagsToSnapshot=True,
                           AutoMinorVersionUpgrade=True, MaxAllocatedStorage=500,
                           Tags=[{"Key": "CostCenter", "Value": "ledger"}, {"Key": "Owner", "Value": "payments"}],
                           **common)
    rds.create_db_instance(DBInstanceIdentifier="legacy-live", DBInstanceClass="db.t4g.medium", MultiAZ=False,
                           DeletionProtection=False, BackupRetentionPeriod=1, PubliclyAccessible=True,
                           AutoMinorVersionUpgrade=True,
                           Tags=[{"Key": "CostCenter", "Value": "legacy"}, {"Key": "Owner", "Value": "nobody"}],
                           **common)
    rds.create_db_instance(DBInstanceIdentifier="shop-live", DBInstanceClass="db.r7g.large", MultiAZ=True,
                           DeletionProtection=True, BackupRetentionPeriod=7, AutoMinorVersionUpgrade=True,
                           Tags=[{"Key": "CostCenter", "Value": "shop"}, {"Key": "Owner", "Value": "web"}], **common)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="shop-live-ro", SourceDBInstanceIdentifier="shop-live",
                                        DBInstanceClass="db.r7g.large")
    # RDS Proxies: ledger-live's has the name the program gives its proxy (adopted), shop-live's not (said).
    secret = estate.client("secretsmanager").create_secret(Name="ledger-live-login")["ARN"]
    proxy_role = estate.client("iam").create_role(RoleName="console-proxy-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    for proxy, db in (("ledger-live-proxy", "ledger-live"), ("shop-pool", "shop-live")):
        rds.create_db_proxy(DBProxyName=proxy, EngineFamily="POSTGRESQL", RoleArn=proxy_role, VpcSubnetIds=subnets,
                            RequireTLS=False, IdleClientTimeout=900,
                            Auth=[{"AuthScheme": "SECRETS", "SecretArn": secret, "IAMAuth": "DISABLED"}])
        rds.register_db_proxy_targets(DBProxyName=proxy, DBInstanceIdentifiers=[db])
    # What adopt refuses: an engine the platform does not run, storage not encrypted.
    rds.create_db_instance(DBInstanceIdentifier="ora-live", DBInstanceClass="db.r7g.large", Engine="oracle-ee",
                           MasterUsername="dbadmin", MasterUserPassword=PASSWORD, AllocatedStorage=100, DBName="ORCL")
    rds.create_db_instance(DBInstanceIdentifier="plain-live", DBInstanceClass="db.t4g.medium", Engine="postgres",
                           EngineVersion="16.4", MasterUsername="dbadmin", MasterUserPassword=PASSWORD,
                           AllocatedStorage=20, DBName="app")
    return {"vpc": vpc, "subnets": sorted(subnets), "key": key["KeyId"]}


def seed_clusters(estate: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """DB clusters to adopt, in the VPC and with the key of `seed`: an Aurora cluster with a writer
    and a reader (managed credentials), a Serverless v2 one, a Multi-AZ DB cluster; plus the
    clusters adopt refuses."""
    ec2, rds = estate.client("ec2"), estate.client("rds")
    third = ec2.create_subnet(VpcId=ids["vpc"], CidrBlock="10.70.2.0/24", AvailabilityZone="eu-west-1c")["Subnet"]["SubnetId"]
    subnets = sorted([*ids["subnets"], third])
    rds.create_db_subnet_group(DBSubnetGroupName="cluster-subnets", DBSubnetGroupDescription="console-made",
                               SubnetIds=subnets)
    key = f"arn:aws:kms:eu-west-1:123456789012:key/{ids['key']}"
    common = dict(MasterUsername="dbadmin", DBSubnetGroupName="cluster-subnets", StorageEncrypted=True, KmsKeyId=key,
                  DatabaseName="app", BackupRetentionPeriod=7, PreferredBackupWindow="02:00-03:00",
                  PreferredMaintenanceWindow="sun:05:00-sun:06:00")
    rds.create_db_cluster(DBClusterIdentifier="orders-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          ManageMasterUserPassword=True, MasterUserSecretKmsKeyId=key, DeletionProtection=True,
                          EnableIAMDatabaseAuthentication=True, EnableCloudwatchLogsExports=["postgresql"],
                          Tags=[{"Key": "CostCenter", "Value": "orders"}], **common)
    for role, tier in (("writer", 0), ("reader-1", 1)):
        rds.create_db_instance(DBInstanceIdentifier=f"orders-live-{role}", DBClusterIdentifier="orders-live",
                               Engine="aurora-postgresql", DBInstanceClass="db.r7g.large", PromotionTier=tier)
    rds.create_db_cluster(DBClusterIdentifier="pay-live", Engine="postgres", EngineVersion="16.4",
                          MasterUserPassword=PASSWORD, DBClusterInstanceClass="db.r6gd.large", StorageType="io1",
                          AllocatedStorage=400, Iops=3000, DeletionProtection=True, **common)
    # Serverless v2, its master secret on the key Secrets Manager chose (not the cluster's).
    rds.create_db_cluster(DBClusterIdentifier="flex-live", Engine="aurora-mysql", EngineVersion="8.0.mysql_aurora.3.08.0",
                          ManageMasterUserPassword=True, ServerlessV2ScalingConfiguration={"MinCapacity": 0.5,
                                                                                          "MaxCapacity": 8},
                          **common)
    rds.create_db_instance(DBInstanceIdentifier="flex-live-writer", DBClusterIdentifier="flex-live",
                           Engine="aurora-mysql", DBInstanceClass="db.serverless", PromotionTier=0)
    # What adopt refuses: Serverless v1, unencrypted, instances the program would not name so, a
    # global database's secondary.
    rds.create_db_cluster(DBClusterIdentifier="v1-live", Engine="aurora-mysql", EngineMode="serverless",
                          MasterUsername="dbadmin", MasterUserPassword=PASSWORD, DatabaseName="app")
    rds.create_db_cluster(DBClusterIdentifier="plainc-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUsername="dbadmin", MasterUserPassword=PASSWORD, DatabaseName="app")
    rds.create_db_cluster(DBClusterIdentifier="odd-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUserPassword=PASSWORD, **common)
    rds.create_db_instance(DBInstanceIdentifier="odd-live-instance-1", DBClusterIdentifier="odd-live",
                           Engine="aurora-postgresql", DBInstanceClass="db.r7g.large")
    rds.create_db_cluster(DBClusterIdentifier="bare-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUserPassword=PASSWORD, **common)
    rds.create_db_cluster(DBClusterIdentifier="graph-live", Engine="neptune", EngineVersion="1.2.0.0",
                          MasterUserPassword=PASSWORD, **common)
    rds.create_db_cluster(DBClusterIdentifier="old-live", Engine="aurora-postgresql", EngineVersion="11.9",
                          MasterUserPassword=PASSWORD, **common)
    rds.create_db_cluster(DBClusterIdentifier="mixed-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUserPassword=PASSWORD, ServerlessV2ScalingConfiguration={"MinCapacity": 0.5,
                                                                                         "MaxCapacity": 8}, **common)
    for role, instance_class in (("writer", "db.serverless"), ("reader-1", "db.r7g.large")):
        rds.create_db_instance(DBInstanceIdentifier=f"mixed-live-{role}", DBClusterIdentifier="mixed-live",
                               Engine="aurora-postgresql", DBInstanceClass=instance_class)
    rds.create_global_cluster(GlobalClusterIdentifier="glob", Engine="aurora-postgresql", EngineVersion="16.4")
    rds.create_db_cluster(DBClusterIdentifier="glob-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          MasterUserPassword=PASSWORD, GlobalClusterIdentifier="glob", **common)
    rds.create_db_cluster(DBClusterIdentifier="globsec-live", Engine="aurora-postgresql", EngineVersion="16.4",
                          GlobalClusterIdentifier="glob", DatabaseName="app", StorageEncrypted=True, KmsKeyId=key)
    # An alarm made in the console on the Aurora cluster: not adopted, said.
    estate.client("cloudwatch").put_metric_alarm(
        AlarmName="orders cpu", MetricName="CPUUtilization", Namespace="AWS/RDS", Statistic="Average", Period=60,
        EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "DBClusterIdentifier", "Value": "orders-live"}])
    return {"cluster_subnets": subnets, "cluster_key": key}
